#include "aws/etag.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>

#include "aws/crypto.h"

namespace ferry::aws {

namespace {
constexpr int64_t kMiB = 1LL << 20;
constexpr int64_t kMaxParts = 10000;
}  // namespace

int64_t ChoosePartSize(int64_t size, int64_t min_part) {
  int64_t part = std::max<int64_t>(min_part, 5 * kMiB);
  int64_t needed = (size + kMaxParts - 1) / kMaxParts;
  if (needed > part) part = (needed + kMiB - 1) / kMiB * kMiB;
  return part;
}

std::string MultipartEtag(const std::vector<std::string>& part_md5s_raw) {
  std::string concat;
  for (const auto& m : part_md5s_raw) concat += m;
  return HexEncode(Md5(concat)) + "-" + std::to_string(part_md5s_raw.size());
}

bool IsPlainMd5Etag(const std::string& etag) {
  if (etag.size() != 32) return false;
  for (char c : etag)
    if (!std::isxdigit(static_cast<unsigned char>(c))) return false;
  return true;
}

Status ContentEtag(int fd, int64_t size, const EtagLayout& layout, std::string* etag) {
  bool multipart = size >= layout.multipart_threshold;
  int64_t part = multipart ? ChoosePartSize(size, layout.part_size) : size;
  Hasher md5(Hasher::Kind::kMd5);
  std::vector<std::string> part_md5s;
  std::string buf(1 << 20, '\0');
  int64_t done = 0, in_part = 0;
  while (done < size) {
    size_t want = static_cast<size_t>(std::min<int64_t>(static_cast<int64_t>(buf.size()), size - done));
    if (multipart) want = static_cast<size_t>(std::min<int64_t>(static_cast<int64_t>(want), part - in_part));
    ssize_t n = ::pread(fd, buf.data(), want, done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return Status::Failed(std::string("read failed: ") + std::strerror(errno));
    if (n == 0) break;
    md5.Update(buf.data(), static_cast<size_t>(n));
    done += n;
    in_part += n;
    if (multipart && in_part == part) {
      part_md5s.push_back(md5.Final());
      in_part = 0;
    }
  }
  if (done != size)
    return Status::Failed("changed while it was read (expected " + std::to_string(size) + " bytes, found " +
                          std::to_string(done) + ")");
  if (!multipart) {
    *etag = HexEncode(md5.Final());
    return Status::Ok();
  }
  if (in_part > 0) part_md5s.push_back(md5.Final());
  *etag = MultipartEtag(part_md5s);
  return Status::Ok();
}

Status ContentEtag(const std::string& path, int64_t size, const EtagLayout& layout, std::string* etag) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return Status::Failed("cannot read " + path + ": " + std::strerror(errno));
  Status s = ContentEtag(fd, size, layout, etag);
  ::close(fd);
  return s.WithPrefix(path);
}

}  // namespace ferry::aws
