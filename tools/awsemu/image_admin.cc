#include "awsemu/image_admin.h"

#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>

#include "awsemu/container_engine.h"

namespace awsemu {

using json = nlohmann::json;
namespace fs = std::filesystem;

AdminAnswer ImportImage(ContainerEngine* engine, const std::string& problem,
                        const std::vector<std::pair<std::string, std::string>>& query, const std::string& body,
                        const std::string& upload_dir) {
  auto refuse = [](int status, const std::string& message) { return AdminAnswer{status, json{{"error", message}}}; };
  if (!engine) return refuse(409, "/_emu/images: jobs do not run in containers here: " + problem);
  ImageImport in;
  std::string format = "rootfs";
  for (const auto& [k, v] : query) {
    if (k == "name") in.name = v;
    else if (k == "format") format = v;
    else if (k == "change") in.changes.push_back(v);
    else if (k == "path") in.file = v;
    else return refuse(400, "/_emu/images: unknown parameter '" + k + "' (known: name, format, change, path)");
  }
  if (format != "rootfs" && format != "archive")
    return refuse(400, "/_emu/images: format must be rootfs or archive, not '" + format + "'");
  in.archive = format == "archive";
  if (in.archive && !in.changes.empty()) return refuse(400, "/_emu/images: change applies to format=rootfs only");
  if (in.file.empty() && body.empty())
    return refuse(400, "/_emu/images: no image: send the tarball as the body or name a file on this host with ?path=");
  if (!in.file.empty() && !body.empty())
    return refuse(400, "/_emu/images: both a body and ?path= given: send one of them");
  std::string upload;
  if (in.file.empty()) {
    static std::atomic<int> seq{0};
    std::error_code ec;
    fs::create_directories(upload_dir, ec);
    upload = upload_dir + "/upload-" + std::to_string(getpid()) + "-" + std::to_string(++seq) + ".tar";
    std::ofstream out(upload, std::ios::binary);
    out.write(body.data(), static_cast<std::streamsize>(body.size()));
    if (!out.flush()) return refuse(500, "/_emu/images: cannot write " + upload);
    in.file = upload;
  }
  ferry::Status st = engine->Import(in);
  if (!upload.empty()) {
    std::error_code ec;
    fs::remove(upload, ec);
  }
  if (!st.ok()) return refuse(400, "/_emu/images: " + st.message());
  return {200, json{{"imported", in.name.empty() ? json(nullptr) : json(in.name)}}};
}

}  // namespace awsemu
