// ferry's entry point: dispatches to the subcommands.
#include <cstdio>
int main() {
  std::puts("ferry: under construction");
  return 0;
}
