#!/usr/bin/env bats
# wren run -it: a real terminal in the container (issue 8 §3). Driven by expect,
# which gives wren a pseudo-terminal of a known size.

load helpers

setup_file() {
	export TTY_IMAGE=tty-busybox
	wren import "$WREN_TEST_ROOTFS" "$TTY_IMAGE" >/dev/null
}

teardown_file() {
	rm_images "$TTY_IMAGE"
}

setup() {
	export name=tty-$BATS_TEST_NUMBER
}

teardown() {
	rm_containers "$name"
}

# run_expect SCRIPT: runs an expect SCRIPT with helpers: `fail MSG`, `prompt`
# (waits for busybox's root prompt) and `finish CODE` (wren must exit with CODE).
# The terminal starts at 33 rows and 101 columns. Lines may end in \r+\n so that
# each test checks its own feature; "the terminal is raw" checks the line ends.
run_expect() {
	cat >"$BATS_TEST_TMPDIR/session.exp" <<-'EXP'
		set timeout 20
		set stty_init "rows 33 columns 101"
		proc fail {msg} {
			puts "\nFAIL: $msg"
			# A wren that outlives its terminal must not outlive the test.
			catch {exec kill -HUP [exp_pid]}
			after 1000
			catch {exec kill -KILL [exp_pid]}
			exit 1
		}
		proc prompt {} {
			# busybox's line editor asks for the cursor position after its prompt.
			expect {
				-re {/ # (\x1b\[6n)?$} {}
				timeout { fail "no prompt" }
				eof { fail "wren exited early" }
			}
		}
		proc finish {code} {
			expect {
				eof {}
				timeout { fail "wren did not exit" }
			}
			set status [lindex [wait] 3]
			if {$status != $code} { fail "exit status $status, want $code" }
			exit 0
		}
	EXP
	printf '%s\n' "$1" >>"$BATS_TEST_TMPDIR/session.exp"
	# To a file, not through `run`: a process that keeps expect's descriptors
	# open must not hang the test.
	local rc=0
	expect -f "$BATS_TEST_TMPDIR/session.exp" >"$BATS_TEST_TMPDIR/session.out" 2>&1 </dev/null || rc=$?
	output=$(cat "$BATS_TEST_TMPDIR/session.out")
	echo "$output"
	return "$rc"
}

@test "run -it gives a shell on a terminal" {
	run_expect '
		spawn -noecho wren run -it --rm --name $env(name) $env(TTY_IMAGE) sh
		prompt
		send "tty; echo TERM=\$TERM\r"
		expect {
			-re {/dev/pts/[0-9]+\r+\nTERM=xterm\r+\n} {}
			timeout { fail "no tty or TERM" }
		}
		prompt
		send "exit\r"
		finish 0
	'
	refute_match 'job control turned off'
}

@test "the terminal is raw: wren adds nothing to the container's output" {
	# The container's own terminal turns \n into \r\n; wren's terminal must pass it
	# through untouched (raw, as docker run -it does), not add a second \r, echo
	# input a second time or act on ^C and ^Z itself.
	run_expect '
		spawn -noecho wren run -it --rm --name $env(name) $env(TTY_IMAGE) sh
		prompt
		send "echo raw-mode\r"
		expect {
			-re {\r\nraw-mode\r\n} {}
			-re {\r\r\n} { fail "lines end in CR CR LF: the outer terminal is not raw" }
			timeout { fail "no output" }
		}
		prompt
		send "exit\r"
		finish 0
	'
}

@test "the window size is the terminal's, and follows a resize" {
	run_expect '
		spawn -noecho wren run -it --rm --name $env(name) $env(TTY_IMAGE) sh
		prompt
		send "stty size\r"
		expect {
			-re {\n33 101\r+\n} {}
			timeout { fail "initial size is not 33 101" }
		}
		prompt
		stty rows 40 columns 120 < $spawn_out(slave,name)
		sleep 0.5
		send "stty size\r"
		expect {
			-re {\n40 120\r+\n} {}
			timeout { fail "size after resize is not 40 120" }
		}
		prompt
		send "exit\r"
		finish 0
	'
}

@test "ctrl-c reaches the container's foreground process" {
	run_expect '
		spawn -noecho wren run -it --rm --name $env(name) $env(TTY_IMAGE) sh
		prompt
		send "sleep 60\r"
		sleep 1
		send "\003"
		set timeout 5
		prompt
		send "echo rc=\$?\r"
		expect {
			-re {rc=130\r+\n} {}
			timeout { fail "sleep was not interrupted by SIGINT" }
		}
		prompt
		send "exit\r"
		finish 0
	'
}

@test "job control works: background jobs, ctrl-z, fg" {
	run_expect '
		spawn -noecho wren run -it --rm --name $env(name) $env(TTY_IMAGE) sh
		prompt
		send "sleep 60 &\r"
		prompt
		send "jobs\r"
		expect {
			-re {\[1\]\+ +Running +sleep 60} {}
			timeout { fail "no background job" }
		}
		prompt
		send "kill %1; wait\r"
		prompt
		send "sleep 61\r"
		sleep 1
		send "\032"
		expect {
			-re {\[1\]\+ +Stopped +sleep 61} {}
			timeout { fail "ctrl-z did not stop the job" }
		}
		prompt
		send "fg\r"
		expect {
			-re {sleep 61\r+\n} {}
			timeout { fail "fg did not resume the job" }
		}
		sleep 0.5
		send "\003"
		prompt
		send "jobs; echo no-more-jobs\r"
		expect {
			-re {\nno-more-jobs\r+\n} {}
			-re {Stopped|Running} { fail "the job survived fg and ctrl-c" }
			timeout { fail "no output" }
		}
		prompt
		send "exit\r"
		finish 0
	'
	refute_match 'job control turned off'
}

@test "the shell's exit status is wren's" {
	run_expect '
		spawn -noecho wren run -it --rm --name $env(name) $env(TTY_IMAGE) sh
		prompt
		send "exit 7\r"
		finish 7
	'
}

@test "-t alone gives a terminal without stdin" {
	run_expect '
		spawn -noecho wren run -t --rm --name $env(name) $env(TTY_IMAGE) sh -c "tty; stty size"
		expect {
			-re {/dev/pts/[0-9]+\r+\n33 101\r+\n} {}
			timeout { fail "no terminal" }
		}
		finish 0
	'
}

@test "ctrl-d ends an interactive shell" {
	run_expect '
		spawn -noecho wren run -it --rm --name $env(name) $env(TTY_IMAGE) sh
		prompt
		send "\004"
		finish 0
	'
}

@test "-it when stdin is not a terminal: exit 125, one line" {
	run --separate-stderr -125 wren run -it --rm --name "$name" "$TTY_IMAGE" true </dev/null
	assert_one_error
	assert_match '([Nn]ot a TTY|[Nn]ot a tty|terminal)' "$stderr"
}
