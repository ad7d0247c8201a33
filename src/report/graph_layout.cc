#include "report/graph_layout.h"

#include <graphviz/cgraph.h>
#include <graphviz/gvc.h>
#include <graphviz/gvplugin.h>

#include <memory>

// Graphviz's own plugins, linked in rather than loaded from its plugin
// config: only the dot layout and the core renderers (SVG among them). The
// text-measuring plugins the config would also load (pango, gd) bring
// fontconfig, whose caches are never freed, and make the layout depend on
// the fonts of the machine; without them Graphviz estimates text widths
// from its built-in metrics, the same everywhere.
extern "C" {
extern gvplugin_library_t gvplugin_dot_layout_LTX_library;
extern gvplugin_library_t gvplugin_core_LTX_library;
}

namespace ferry {

namespace {

const lt_symlist_t kBuiltinPlugins[] = {
    {"gvplugin_dot_layout_LTX_library", &gvplugin_dot_layout_LTX_library},
    {"gvplugin_core_LTX_library", &gvplugin_core_LTX_library},
    {nullptr, nullptr},
};

// Graphviz prints its errors on stderr unless given a handler; ferry keeps
// the last one for its own message instead.
thread_local std::string graphviz_error;
int KeepGraphvizError(char* message) {
  graphviz_error = message ? message : "";
  while (!graphviz_error.empty() && (graphviz_error.back() == '\n' || graphviz_error.back() == ' '))
    graphviz_error.pop_back();
  return 0;
}

struct ContextCloser {
  void operator()(GVC_t* gvc) const { gvFreeContext(gvc); }
};

}  // namespace

Status LayOutSvg(const std::string& dot, std::string* svg) {
  std::unique_ptr<GVC_t, ContextCloser> gvc(gvContextPlugins(kBuiltinPlugins, /*demand_loading=*/0));
  if (!gvc) return Status::Failed("cannot start Graphviz (libgvc)");
  graphviz_error.clear();
  agseterrf(KeepGraphvizError);
  Agraph_t* g = agmemread(dot.c_str());
  if (!g) return Status::Failed("Graphviz could not read the task graph: " + graphviz_error);
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
