// file_util.h: small POSIX file helpers for the NVML mock and its tools:
// an flock()-based lock on "<path>.lock", atomic replace (temp + fsync +
// rename + directory fsync), whole-file read and a cheap change detector.
//
// Used by state_store.cc, fault_file.cc and nvml-mock-ctl. No exceptions.
// Thread safety: stateless; a FileLock object belongs to one thread.
#ifndef NVML_MOCK_FILE_UTIL_H_
#define NVML_MOCK_FILE_UTIL_H_

#include <sys/stat.h>

#include <string>

namespace nvml_mock {

// Holds flock(LOCK_SH or LOCK_EX) on "<path>.lock" while alive.
class FileLock {
 public:
  FileLock(const std::string& path, bool exclusive);
  ~FileLock();
  FileLock(const FileLock&) = delete;
  FileLock& operator=(const FileLock&) = delete;
  bool ok() const { return fd_ >= 0; }

 private:
  int fd_ = -1;
};

// Creates `dir` and its parents (like mkdir -p). True if it exists after.
bool MakeDirs(const std::string& dir);
std::string DirName(const std::string& path);

// Reads `path`. Returns false (and sets *missing when it does not exist).
bool ReadWholeFile(const std::string& path, std::string* out, bool* missing);

// Atomically replaces `path` with `contents`.
bool WriteFileAtomically(const std::string& path, const std::string& contents,
                         std::string* error);

// Identity of a file version: changes on every atomic replace or write.
struct FileId {
  bool exists = false;
  ino_t ino = 0;
  off_t size = 0;
  long long mtimeNs = 0;
  bool operator==(const FileId&) const = default;
};
FileId StatFile(const std::string& path);

}  // namespace nvml_mock

#endif  // NVML_MOCK_FILE_UTIL_H_
