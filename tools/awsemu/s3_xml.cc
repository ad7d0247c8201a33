#include "awsemu/s3_xml.h"

#include <ctime>
#include <sstream>

#include "aws/iso_time.h"

namespace awsemu {

pugi::xml_node S3Root(pugi::xml_document* doc, const char* root) {
  pugi::xml_node decl = doc->append_child(pugi::node_declaration);
  decl.append_attribute("version") = "1.0";
  decl.append_attribute("encoding") = "UTF-8";
  pugi::xml_node r = doc->append_child(root);
  r.append_attribute("xmlns") = "http://s3.amazonaws.com/doc/2006-03-01/";
  return r;
}

void XmlText(pugi::xml_node parent, const char* name, const std::string& value) {
  parent.append_child(name).text().set(value.c_str());
}

std::string XmlString(const pugi::xml_document& doc) {
  std::ostringstream out;
  doc.save(out, "", pugi::format_raw);
  return out.str();
}

std::string XmlTime(TimePoint t) {
  std::time_t secs = std::chrono::system_clock::to_time_t(t);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[40];
  strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
  long ms =
      static_cast<long>(std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count() % 1000);
  char out[48];
  snprintf(out, sizeof out, "%s.%03ldZ", buf, ms);
  return out;
}

std::string HttpTime(TimePoint t) {
  std::time_t secs = std::chrono::system_clock::to_time_t(t);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  static const char* days[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  static const char* months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  char buf[64];
  snprintf(buf, sizeof buf, "%s, %02d %s %04d %02d:%02d:%02d GMT", days[tm.tm_wday], tm.tm_mday, months[tm.tm_mon],
           tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
  return buf;
}

bool ParseHttpTime(const std::string& text, TimePoint* out) {
  std::tm tm{};
  const char* end = strptime(text.c_str(), "%a, %d %b %Y %H:%M:%S GMT", &tm);
  if (!end || *end != '\0') return false;
  // A year strptime accepts (up to 9999) would overflow TimePoint's
  // nanoseconds; CivilToEpoch refuses it and impossible dates.
  int64_t seconds;
  if (!ferry::aws::CivilToEpoch(tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                                &seconds))
    return false;
  *out = std::chrono::system_clock::from_time_t(static_cast<std::time_t>(seconds));
  return true;
}

}  // namespace awsemu
