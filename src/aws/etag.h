// The ETag S3 gives an object, computed locally: hex MD5 of the bytes for a
// single PUT, hex(MD5(concatenated part MD5s))-N for a multipart upload with
// the transfer manager's part layout. Uploads check what the server returns
// against it, downloads check the bytes they got, and `ferry build` compares
// a local file with a listing's ETag without sending it. One owner for the
// rule, so those three can never disagree.
#pragma once

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "util/status.h"

namespace ferry::aws {

// How an upload splits a file: at or above `multipart_threshold` bytes it
// goes in parts of ChoosePartSize(size, part_size).
struct EtagLayout {
  int64_t multipart_threshold = 8LL << 20;
  int64_t part_size = 8LL << 20;
};
// A layout that never splits: ContentEtag is then the file's plain hex MD5.
inline constexpr EtagLayout kSinglePartLayout{std::numeric_limits<int64_t>::max(), 8LL << 20};

// Part size for an object of `size` bytes: at least `min_part` (and S3's
// 5 MiB minimum), rounded up to a MiB multiple so that at most 10,000 parts
// are needed.
int64_t ChoosePartSize(int64_t size, int64_t min_part);
// The ETag S3 gives a multipart object: hex(MD5(concat(part MD5s)))-N.
std::string MultipartEtag(const std::vector<std::string>& part_md5s_raw);
// True for a 32-hex-digit ETag (a single-part object's MD5).
bool IsPlainMd5Etag(const std::string& etag);

// Reads `size` bytes of `fd` from offset 0 (pread: the file offset is left
// alone) and returns the ETag an upload with `layout` would give them,
// lower-case hex. Fewer bytes than `size` is an error (the file changed).
Status ContentEtag(int fd, int64_t size, const EtagLayout& layout, std::string* etag);
// The same for the file at `path`; errors name the path.
Status ContentEtag(const std::string& path, int64_t size, const EtagLayout& layout, std::string* etag);

}  // namespace ferry::aws
