#include "aws/sts.h"

#include <pugixml.hpp>

namespace ferry::aws {

Status ParseCallerIdentity(const std::string& xml, CallerIdentity* out) {
  pugi::xml_document doc;
  if (!doc.load_buffer(xml.data(), xml.size())) return Status::Failed("sts GetCallerIdentity: response is not XML");
  pugi::xml_node res = doc.child("GetCallerIdentityResponse").child("GetCallerIdentityResult");
  if (!res) return Status::Failed("sts GetCallerIdentity: response lacks GetCallerIdentityResult");
  out->account = res.child_value("Account");
  out->arn = res.child_value("Arn");
  out->user_id = res.child_value("UserId");
  return Status::Ok();
}

ServiceRequest StsFormRequest(const std::string& action, std::string body) {
  ServiceRequest r;
  r.service = "sts";
  r.operation = action;
  r.method = "POST";
  r.headers = {{"Content-Type", "application/x-www-form-urlencoded; charset=utf-8"}};
  r.body = std::make_shared<StringBody>(std::move(body));
  return r;
}

ServiceRequest GetCallerIdentityRequest() {
  return StsFormRequest("GetCallerIdentity", "Action=GetCallerIdentity&Version=2011-06-15");
}

Status GetCallerIdentity(AwsClient& client, CallerIdentity* out) {
  ServiceResponse resp = client.Call(GetCallerIdentityRequest());
  if (!resp.status.ok()) return resp.status;
  return ParseCallerIdentity(resp.http.body, out);
}

}  // namespace ferry::aws
