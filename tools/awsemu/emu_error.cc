#include "awsemu/emu_error.h"

#include <nlohmann/json.hpp>
#include <pugixml.hpp>

#include "awsemu/s3_xml.h"

namespace awsemu {

namespace {

std::string S3ErrorXml(const EmuError& e, const std::string& request_id) {
  pugi::xml_document doc;
  pugi::xml_node decl = doc.append_child(pugi::node_declaration);
  decl.append_attribute("version") = "1.0";
  decl.append_attribute("encoding") = "UTF-8";
  pugi::xml_node x = doc.append_child("Error");
  XmlText(x, "Code", e.code);
  XmlText(x, "Message", e.message);
  for (const auto& [k, v] : e.details) XmlText(x, k.c_str(), v);
  XmlText(x, "RequestId", request_id);
  XmlText(x, "HostId", "ferry-awsemu/" + request_id);
  return XmlString(doc);
}

std::string QueryErrorXml(const EmuError& e, const std::string& request_id) {
  pugi::xml_document doc;
  doc.append_child(pugi::node_declaration).append_attribute("version") = "1.0";
  pugi::xml_node root = doc.append_child("ErrorResponse");
  root.append_attribute("xmlns") = "https://sts.amazonaws.com/doc/2011-06-15/";
  pugi::xml_node x = root.append_child("Error");
  XmlText(x, "Type", e.status >= 500 ? "Receiver" : "Sender");
  XmlText(x, "Code", e.code);
  XmlText(x, "Message", e.message);
  XmlText(root, "RequestId", request_id);
  return XmlString(doc);
}

std::string Ec2ErrorXml(const EmuError& e, const std::string& request_id) {
  pugi::xml_document doc;
  doc.append_child(pugi::node_declaration).append_attribute("version") = "1.0";
  pugi::xml_node root = doc.append_child("Response");
  pugi::xml_node x = root.append_child("Errors").append_child("Error");
  XmlText(x, "Code", e.code);
  XmlText(x, "Message", e.message);
  XmlText(root, "RequestID", request_id);
  return XmlString(doc);
}

}  // namespace

WireProtocol ProtocolOf(const std::string& service) {
  if (service == "s3") return WireProtocol::kRestXml;
  if (service == "sts" || service == "iam") return WireProtocol::kQuery;
  if (service == "logs") return WireProtocol::kJson11;
  if (service == "ec2") return WireProtocol::kEc2;
  return WireProtocol::kRestJson;
}

void RenderError(WireProtocol protocol, const EmuError& e, const std::string& request_id, EmuResponse* resp) {
  resp->status = e.status;
  switch (protocol) {
    case WireProtocol::kRestXml:
      resp->content_type = "application/xml";
      resp->body = S3ErrorXml(e, request_id);
      return;
    case WireProtocol::kQuery:
      resp->content_type = "text/xml";
      resp->body = QueryErrorXml(e, request_id);
      return;
    case WireProtocol::kEc2:
      resp->content_type = "text/xml";
      resp->body = Ec2ErrorXml(e, request_id);
      return;
    case WireProtocol::kRestJson:
    case WireProtocol::kJson11:
      resp->content_type = protocol == WireProtocol::kJson11 ? "application/x-amz-json-1.1" : "application/json";
      resp->headers.emplace_back("x-amzn-ErrorType", e.code);
      resp->body = nlohmann::json{{"__type", e.code}, {"message", e.message}}.dump();
      return;
  }
}

}  // namespace awsemu
