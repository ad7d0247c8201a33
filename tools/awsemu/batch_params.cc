#include "awsemu/batch_params.h"

namespace awsemu {

std::vector<std::string> SubstituteParameters(const std::vector<std::string>& command,
                                              const std::map<std::string, std::string>& params) {
  static const std::string kRef = "Ref::";
  std::vector<std::string> out;
  out.reserve(command.size());
  for (const std::string& arg : command) {
    std::string result;
    size_t pos = 0;
    while (true) {
      size_t ref = arg.find(kRef, pos);
      if (ref == std::string::npos) {
        result.append(arg, pos, std::string::npos);
        break;
      }
      result.append(arg, pos, ref - pos);
      size_t name_start = ref + kRef.size();
      const std::pair<const std::string, std::string>* best = nullptr;
      for (const auto& kv : params)
        if (arg.compare(name_start, kv.first.size(), kv.first) == 0 && (!best || kv.first.size() > best->first.size()))
          best = &kv;
      if (best) {
        result += best->second;
        pos = name_start + best->first.size();
      } else {
        result += kRef;
        pos = name_start;
      }
    }
    out.push_back(std::move(result));
  }
  return out;
}

}  // namespace awsemu
