// Path strings without std::filesystem::path objects: expanding 100,000
// tasks joins and normalizes hundreds of thousands of paths, and building a
// filesystem::path (which splits every component) costs more than all the
// rest of the expansion. These work on '/'-separated strings directly.
#pragma once

#include <string>
#include <string_view>

namespace ferry {

// Removes "." components, empty components ("//") and resolves ".." against
// the preceding component (lexically, as lexically_normal does). Keeps a
// leading '/'. Returns "." for an empty relative result.
std::string NormalizePath(std::string_view p);

// base + "/" + p when p is relative, else p; normalized.
std::string AbsolutePath(std::string_view base, std::string_view p);

// The last component ("a/b.txt" -> "b.txt"; trailing slashes ignored).
std::string_view PathBaseName(std::string_view p);

// True if any component of the relative path p is "..".
bool PathHasParentRef(std::string_view p);

}  // namespace ferry
