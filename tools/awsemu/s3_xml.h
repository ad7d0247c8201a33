// Small helpers for S3's XML documents: building answers with the S3
// namespace, and the timestamp formats S3 uses in XML and headers.
#pragma once

#include <string>

#include <pugixml.hpp>

#include "awsemu/s3_store.h"

namespace awsemu {

// A document whose root element `root` carries S3's xmlns.
pugi::xml_node S3Root(pugi::xml_document* doc, const char* root);
void XmlText(pugi::xml_node parent, const char* name, const std::string& value);
std::string XmlString(const pugi::xml_document& doc);

// "2026-11-22T12:41:02.000Z"
std::string XmlTime(TimePoint t);
// "Sun, 22 Nov 2026 12:41:02 GMT"
std::string HttpTime(TimePoint t);
// Parses HttpTime's format; false when malformed.
bool ParseHttpTime(const std::string& text, TimePoint* out);

}  // namespace awsemu
