// The query protocol of STS, IAM and EC2 as ferry-awsemu reads and writes it:
// parameters come as a form body (or URL query) of flattened names
// ("Tags.member.1.Key", "Filter.2.Value.1"), answers are XML documents.
// QueryTree turns the flat names into a JSON tree (numbered segments become
// arrays) so handlers read nested fields the way the JSON services do;
// QueryXml/Ec2Xml turn a JSON result back into the XML each protocol flavour
// uses (IAM/STS wrap results in <ActionResult> and lists in <member>, EC2
// puts fields straight under the response with lists in <item>). Pure.
#pragma once

#include <map>
#include <string>

#include <nlohmann/json.hpp>

#include "awsemu/service.h"

namespace awsemu {

// The request's parameters: the URL query, then the form body (which wins).
// Form bodies encode spaces as '+'.
std::map<std::string, std::string> QueryParams(const EmuRequest& req);
// The request's Action parameter (its operation), "" when it has none.
std::string QueryAction(const EmuRequest& req);

// {"Tags.member.1.Key": "k"} -> {"Tags": {"member": [{"Key": "k"}]}}. A
// segment made only of digits is an array index (1-based, in number order,
// gaps closed up); values stay strings.
nlohmann::json QueryTree(const std::map<std::string, std::string>& params);

// The list `name` of a query-protocol tree in its IAM form
// (name.member.N...) or EC2 form (name.N...); an empty array if absent.
nlohmann::json QueryMembers(const nlohmann::json& tree, const std::string& name);

// <{action}Response xmlns=...><{action}Result>RESULT</...><ResponseMetadata>
// <RequestId/></ResponseMetadata></...>; arrays in RESULT become <member>
// lists, booleans "true"/"false".
std::string QueryXml(const std::string& action, const std::string& xmlns, const std::string& request_id,
                     const nlohmann::json& result);

// <{action}Response xmlns=...><requestId/>RESULT</...>, arrays as <item>
// lists (EC2's shape; RESULT's keys are EC2's wire names, e.g. "vpcSet"). A
// key "name|elem" is a list whose elements are <elem> instead.
std::string Ec2Xml(const std::string& action, const std::string& request_id, const nlohmann::json& result);

// A fresh request id for query-protocol answers (UUID-shaped).
std::string NewQueryRequestId();

}  // namespace awsemu
