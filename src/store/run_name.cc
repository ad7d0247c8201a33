#include "store/run_name.h"

#include <iterator>

namespace ferry {

namespace {
const char* const kAdjectives[] = {
    "agile",   "amazing",  "awesome", "bold",     "brave",    "bright", "calm",    "careful",  "cheerful", "clever",
    "cool",    "curious",  "daring",  "deft",     "eager",    "elated", "elegant", "epic",     "exotic",   "fervent",
    "festive", "friendly", "gentle",  "gifted",   "happy",    "hardy",  "hopeful", "humble",   "jolly",    "jovial",
    "keen",    "kind",     "lively",  "loving",   "lucid",    "lucky",  "magical", "mellow",   "merry",    "modest",
    "nifty",   "noble",    "patient", "peaceful", "playful",  "polite", "proud",   "quiet",    "quirky",   "radiant",
    "rapid",   "serene",   "sharp",   "silly",    "sleepy",   "smart",  "snappy",  "spirited", "steady",   "stoic",
    "sunny",   "swift",    "tender",  "tidy",     "trusting", "upbeat", "vibrant", "vigilant", "witty",    "zealous",
};
const char* const kSurnames[] = {
    "agnesi",     "archimedes", "babbage",    "bardeen",      "bell",    "bohr",       "boole",     "brahe",
    "cannon",     "carson",     "cori",       "curie",        "darwin",  "dijkstra",   "einstein",  "euclid",
    "euler",      "faraday",    "fermat",     "fermi",        "feynman", "franklin",   "galileo",   "gauss",
    "goodall",    "hamilton",   "hawking",    "heisenberg",   "hodgkin", "hopper",     "hypatia",   "jackson",
    "johnson",    "kepler",     "knuth",      "kovalevskaya", "lamarr",  "laplace",    "leavitt",   "lovelace",
    "margulis",   "maxwell",    "mcclintock", "meitner",      "mendel",  "mirzakhani", "newton",    "noether",
    "pasteur",    "pauling",    "planck",     "raman",        "ritchie", "sagan",      "sanger",    "shannon",
    "somerville", "tesla",      "thompson",   "turing",       "volta",   "wilson",     "wozniak",   "wu",
    "yalow",      "yonath",     "hubble",     "kahn",         "lamport", "liskov",     "matsumoto", "mccarthy",
    "minsky",     "neumann",    "perlman",    "pike",         "ride",    "shockley",   "stallman",  "swartz",
    "torvalds",   "villani",
};
}  // namespace

std::string RunNameFromNumber(uint64_t n) {
  const uint64_t na = std::size(kAdjectives), ns = std::size(kSurnames);
  return std::string(kAdjectives[n % na]) + "_" + kSurnames[(n / na) % ns];
}

}  // namespace ferry
