#include "awssetup/plan.h"

namespace ferry::awssetup {

bool Plan::HasChanges() const {
  for (const Step& s : steps)
    if (s.action == Action::kCreate || s.action == Action::kChange || s.action == Action::kDelete) return true;
  return false;
}

bool Plan::HasBroken() const {
  for (const Step& s : steps)
    if (s.action == Action::kBroken) return true;
  return false;
}

const char* ActionWord(Action a) {
  switch (a) {
    case Action::kKeep: return "ok";
    case Action::kCreate: return "create";
    case Action::kChange: return "change";
    case Action::kDelete: return "delete";
    case Action::kBroken: return "broken";
  }
  return "?";
}

std::string RenderPlan(const Plan& plan, bool documents) {
  std::string out;
  for (const Step& s : plan.steps) {
    std::string word = ActionWord(s.action);
    word.resize(7, ' ');
    out += word + s.piece + " " + s.resource + (s.reason.empty() ? "" : ": " + s.reason) + "\n";
    if (documents && !s.document.is_null() && s.action != Action::kKeep) {
      std::string doc = s.document.dump(2);
      std::string indented = "         ";
      for (char c : doc) {
        indented.push_back(c);
        if (c == '\n') indented += "         ";
      }
      out += indented + "\n";
    }
  }
  return out;
}

nlohmann::json PlanJson(const Plan& plan) {
  nlohmann::json steps = nlohmann::json::array();
  for (const Step& s : plan.steps) {
    nlohmann::json j = {
        {"piece", s.piece}, {"resource", s.resource}, {"action", ActionWord(s.action)}, {"reason", s.reason}};
    if (!s.fix.empty()) j["fix"] = s.fix;
    if (!s.document.is_null()) j["document"] = s.document;
    nlohmann::json calls = nlohmann::json::array();
    for (const auto& c : s.calls) calls.push_back(c.service + ":" + c.operation);
    j["calls"] = calls;
    steps.push_back(j);
  }
  return steps;
}

}  // namespace ferry::awssetup
