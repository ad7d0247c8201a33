#include "report/graph_layout.h"

#include <graphviz/cgraph.h>
#include <graphviz/gvc.h>

#include <memory>

namespace ferry {

namespace {

struct ContextCloser {
  void operator()(GVC_t* gvc) const { gvFreeContext(gvc); }
};

}  // namespace

Status LayOutSvg(const std::string& dot, std::string* svg) {
  // gvContext loads the installed plugins (dot layout, core svg renderer).
  std::unique_ptr<GVC_t, ContextCloser> gvc(gvContext());
  if (!gvc) return Status::Failed("cannot start Graphviz (libgvc)");
  Agraph_t* g = agmemread(dot.c_str());
  if (!g) return Status::Failed("Graphviz could not read the task graph");
  Status st;
  if (gvLayout(gvc.get(), g, "dot") != 0) {
    st = Status::Failed("Graphviz could not lay out the task graph (is its dot layout plugin installed?)");
  } else {
    char* data = nullptr;
    unsigned int len = 0;  // gvRenderData's type in Debian's Graphviz 2.42
    if (gvRenderData(gvc.get(), g, "svg", &data, &len) != 0 || !data) {
      st = Status::Failed("Graphviz could not render the task graph as SVG");
    } else {
      std::string text(data, len);
      size_t at = text.find("<svg");
      *svg = at == std::string::npos ? text : text.substr(at);
    }
    if (data) gvFreeRenderData(data);
    gvFreeLayout(gvc.get(), g);
  }
  agclose(g);
  return st;
}

}  // namespace ferry
