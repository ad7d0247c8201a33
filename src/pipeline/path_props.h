// Path properties templates offer on any string: x.name, x.stem, x.ext, x.dir.
// Pure string operations (no filesystem access), so they work for paths that
// do not exist yet and for s3:// URLs.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace ferry {

std::string PathName(std::string_view path);  // "/a/b.tar.gz" -> "b.tar.gz"
std::string PathStem(std::string_view path);  // "/a/b.tar.gz" -> "b.tar"; ".bashrc" -> ".bashrc"
std::string PathExt(std::string_view path);   // "/a/b.tar.gz" -> "gz"; "Makefile" -> ""
std::string PathDir(std::string_view path);   // "/a/b.txt" -> "/a"; "b.txt" -> "."; "/b" -> "/"

// The property names above, for "did you mean" hints.
const std::vector<std::string>& PathPropertyNames();
// Computes property `prop` of `path`; false if `prop` is not a path property.
bool PathProperty(std::string_view prop, std::string_view path, std::string* out);

}  // namespace ferry
