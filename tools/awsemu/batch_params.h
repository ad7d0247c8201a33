// Job-definition parameter substitution: "Ref::name" placeholders in a
// container command are replaced by the job's parameters (the submit-time
// values over the job definition's defaults). Pure logic.
#pragma once

#include <map>
#include <string>
#include <vector>

namespace awsemu {

// Replaces every "Ref::<name>" in each argument whose <name> is a parameter
// (the longest such name wins, so Ref::input_file is not read as Ref::input
// followed by "_file"). Unknown references stay as they are, as in AWS.
std::vector<std::string> SubstituteParameters(const std::vector<std::string>& command,
                                              const std::map<std::string, std::string>& params);

}  // namespace awsemu
