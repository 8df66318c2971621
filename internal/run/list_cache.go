package run

import (
	"bytes"
	"encoding/json"
	"fmt"
	"hash/crc32"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"golang.org/x/sys/unix"
)

// The records cache holds every record's bytes in one file, so that ps at a
// thousand containers reads one file instead of opening, reading and closing
// a thousand (those system calls were a third of its own time).
//
// It is valid while the records' directory is unchanged: its inode, mtime and
// ctime are the cache's stamp. Creating a container (mkdir) and removing one
// (rename, rmdir) change the directory; Save, which replaces a record inside
// its container's directory, touches it after the rename (touch). A cache is
// written only under a stamp older than cacheSettle: a change made while ps
// was reading then gets a later timestamp than the stamp, however coarse the
// file system's clock, so no cache of old bytes can pass for current. What
// changes without a Save (the monitor's result, whether its process lives) is
// never cached: Refresh runs on every record, as when they are read from files.

// cacheSettle is how old the directory's timestamps must be for a cache to be
// written under them: far more than any file system's timestamp granularity.
var cacheSettle = time.Second

const cacheMagic = "wren records cache 1\n"

// dirStamp identifies one state of the records' directory.
type dirStamp struct {
	ino          uint64
	mtime, ctime time.Time
}

func newDirStamp(st *unix.Stat_t) dirStamp {
	return dirStamp{
		ino:   st.Ino,
		mtime: time.Unix(st.Mtim.Unix()),
		ctime: time.Unix(st.Ctim.Unix()),
	}
}

func (s dirStamp) String() string {
	return fmt.Sprintf("%d %d %d", s.ino, s.mtime.UnixNano(), s.ctime.UnixNano())
}

// settled says whether the directory has been left alone for cacheSettle.
func (s dirStamp) settled(now time.Time) bool {
	return now.Sub(s.mtime) > cacheSettle && now.Sub(s.ctime) > cacheSettle
}

// cachePath is beside the records' directory, not in it: writing it there
// would change the directory it is stamped with.
func (r *Records) cachePath() string { return filepath.Clean(r.Dir) + ".cache" }

// touch marks the records' directory changed (mtime and ctime now), after a
// record in it was replaced.
func (r *Records) touch() error {
	now := []unix.Timespec{{Nsec: unix.UTIME_NOW}, {Nsec: unix.UTIME_NOW}}
	return unix.UtimesNanoAt(unix.AT_FDCWD, r.Dir, now, 0)
}

// readCache returns the cached records if the cache was written under stamp;
// nil when it was not, or cannot be read whole. The records' bytes share one
// buffer.
//
// The file: the magic line, the stamp line, the number of records, then for
// each "<id> <length>\n<bytes>\n", then "end <crc32c>\n".
func (r *Records) readCache(stamp dirStamp) []rawRecord {
	data, err := os.ReadFile(r.cachePath())
	if err != nil {
		return nil
	}
	// The last line is "end <crc32c of everything before it>".
	i := bytes.LastIndex(data, []byte("\nend "))
	if i < 0 || len(data)-i != len("\nend 01234567\n") || data[len(data)-1] != '\n' {
		return nil
	}
	if fmt.Sprintf("%08x", crc32.Checksum(data[:i+1], crcTable)) != string(data[i+len("\nend "):len(data)-1]) {
		return nil
	}
	data = data[:i+1]
	line := func() string {
		i := bytes.IndexByte(data, '\n')
		if i < 0 {
			data = nil
			return ""
		}
		l := string(data[:i])
		data = data[i+1:]
		return l
	}
	if line()+"\n" != cacheMagic || line() != stamp.String() {
		return nil
	}
	n, err := strconv.Atoi(line())
	if err != nil || n < 0 || n > len(data) {
		return nil
	}
	raws := make([]rawRecord, n)
	for i := range raws {
		id, size, ok := bytes.Cut([]byte(line()), []byte(" "))
		length, err := strconv.Atoi(string(size))
		if !ok || len(id) == 0 || err != nil || length < 0 || length+1 > len(data) || data[length] != '\n' {
			return nil
		}
		raws[i] = rawRecord{id: string(id), data: data[:length:length]}
		data = data[length+1:]
	}
	if len(data) != 0 {
		return nil
	}
	return raws
}

// writeCache records raws under stamp. A cache that cannot be written only
// means the next ps reads the records' files. It is written and renamed into
// place without fsync (a thousand records' fsync would cost ps more than the
// cache saves it): after a crash the checksum tells a torn cache.
func (r *Records) writeCache(stamp dirStamp, raws []rawRecord) {
	size := len(cacheMagic) + 64
	for _, raw := range raws {
		size += len(raw.id) + len(raw.data) + 24
	}
	buf := bytes.NewBuffer(make([]byte, 0, size))
	fmt.Fprintf(buf, "%s%s\n%d\n", cacheMagic, stamp, len(raws))
	// Records are kept without their indentation: the same values, and a
	// quarter fewer bytes for the decoder to scan.
	var compact bytes.Buffer
	for _, raw := range raws {
		compact.Reset()
		if err := json.Compact(&compact, raw.data); err != nil {
			return
		}
		fmt.Fprintf(buf, "%s %d\n", raw.id, compact.Len())
		buf.Write(compact.Bytes())
		buf.WriteByte('\n')
	}
	fmt.Fprintf(buf, "end %08x\n", crc32.Checksum(buf.Bytes(), crcTable))
	path := r.cachePath()
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp")
	if err != nil {
		return
	}
	_, err = tmp.Write(buf.Bytes())
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), path)
	}
	if err != nil {
		_ = os.Remove(tmp.Name())
	}
}

var crcTable = crc32.MakeTable(crc32.Castagnoli)
