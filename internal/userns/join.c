// Runs before the Go runtime: setns(CLONE_NEWUSER) needs a single-threaded
// process, which a Go program never is once main starts.
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/nsfs.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "join.h"

int wren_joined;
unsigned int wren_host_uid;
unsigned int wren_host_gid;

int wren_pause_file(char *buf, size_t len) {
	const char *dir = getenv("XDG_RUNTIME_DIR");
	int n;
	if (dir != NULL && dir[0] != '\0')
		n = snprintf(buf, len, "%s/wren/pause.pid", dir);
	else {
		const char *tmp = getenv("TMPDIR");
		n = snprintf(buf, len, "%s/wren-run-%u/wren/pause.pid", tmp && tmp[0] ? tmp : "/tmp", getuid());
	}
	return n > 0 && (size_t)n < len ? 0 : -1;
}

// open_ns opens /proc/PID/ns/NAME and checks that it is the namespace recorded
// when the pause process was made (a reused pid must not be joined).
static int open_ns(long pid, const char *name, unsigned long long want) {
	char path[64];
	struct stat st;
	int fd;
	snprintf(path, sizeof(path), "/proc/%ld/ns/%s", pid, name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	if (fstat(fd, &st) < 0 || (unsigned long long)st.st_ino != want) {
		close(fd);
		return -1;
	}
	return fd;
}

int wren_pause_valid(long *pid_out, int *userfd, int *mntfd) {
	char path[PATH_MAX];
	unsigned long long userino = 0, mntino = 0;
	long pid = 0;
	uid_t owner = (uid_t)-1;
	FILE *f;
	int ufd, mfd;

	if (wren_pause_file(path, sizeof(path)) < 0)
		return 0;
	f = fopen(path, "re");
	if (f == NULL)
		return 0;
	if (fscanf(f, "%ld %llu %llu", &pid, &userino, &mntino) != 3 || pid <= 0) {
		fclose(f);
		return 0;
	}
	fclose(f);
	ufd = open_ns(pid, "user", userino);
	if (ufd < 0)
		return 0;
	if (ioctl(ufd, NS_GET_OWNER_UID, &owner) < 0 || owner != getuid()) {
		close(ufd);
		return 0;
	}
	mfd = open_ns(pid, "mnt", mntino);
	if (mfd < 0) {
		close(ufd);
		return 0;
	}
	if (pid_out)
		*pid_out = pid;
	if (userfd && mntfd) {
		*userfd = ufd;
		*mntfd = mfd;
	} else {
		close(ufd);
		close(mfd);
	}
	return 1;
}

static void on_term(int sig) {
	(void)sig;
	_exit(0);
}

// pause_forever is the pause process: it holds the namespaces and nothing else.
static void pause_forever(void) {
	int fd = open("/dev/null", O_RDWR);
	struct sigaction sa;
	int sig;
	if (fd >= 0) {
		dup2(fd, 0);
		dup2(fd, 1);
		dup2(fd, 2);
		if (fd > 2)
			close(fd);
	}
	for (fd = 3; fd < 1024; fd++)
		close(fd);
	if (chdir("/") < 0) {
	}
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = SIG_IGN;
	for (sig = 1; sig < NSIG; sig++)
		sigaction(sig, &sa, NULL);
	sa.sa_handler = on_term;
	sigaction(SIGTERM, &sa, NULL);
	for (;;)
		pause();
}

// host_command reports whether argv asks for a command that must see the host
// as the user does: `wren doctor` and `wren system doctor` check the very
// things joining depends on, and inside the namespace /proc/sys and file
// owners read differently. Global flags that take a separate value are skipped.
static int host_command(int argc, char **argv) {
	static const char *valued[] = {"--root", "--runroot", "--config", "--storage-driver", "--log-level", NULL};
	int i, j, positional = 0;

	for (i = 1; i < argc && argv != NULL && argv[i] != NULL; i++) {
		if (argv[i][0] == '-') {
			for (j = 0; valued[j] != NULL; j++)
				if (strcmp(argv[i], valued[j]) == 0)
					i++;
			continue;
		}
		if (strcmp(argv[i], "doctor") == 0)
			return 1;
		if (positional > 0 || strcmp(argv[i], "system") != 0)
			return 0;
		positional++;
	}
	return 0;
}

__attribute__((constructor)) static void wren_userns_join(int argc, char **argv, char **envp) {
	char cwd[PATH_MAX];
	int userfd, mntfd, have_cwd;
	const char *mode = getenv("_WREN_PAUSE");

	(void)envp;
	if (mode != NULL && mode[0] != '\0')
		pause_forever();
	if (geteuid() == 0)
		return; // root, or already inside the namespace
	if (host_command(argc, argv))
		return;
	if (!wren_pause_valid(NULL, &userfd, &mntfd))
		return; // Enter will make the namespace and re-exec
	wren_host_uid = getuid();
	wren_host_gid = getgid();
	// setns(CLONE_NEWNS) moves cwd to the namespace's root; come back to it.
	have_cwd = getcwd(cwd, sizeof(cwd)) != NULL;
	if (setns(userfd, CLONE_NEWUSER) < 0 || setns(mntfd, CLONE_NEWNS) < 0) {
		fprintf(stderr, "Error: join wren's user namespace: %s\n", strerror(errno));
		_exit(125);
	}
	close(userfd);
	close(mntfd);
	if (setresgid(0, 0, 0) < 0 || setresuid(0, 0, 0) < 0) {
		fprintf(stderr, "Error: become root in wren's user namespace: %s\n", strerror(errno));
		_exit(125);
	}
	if (have_cwd && chdir(cwd) < 0) {
		if (chdir("/") < 0) {
		}
	}
	wren_joined = 1;
}
