#include "client/ltar/cli_args.h"

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"

namespace leancache::ltar_cli {

const char* UsageText() {
  return "ltar: leantar 0.1.19-compatible .ltar archiver (leancache)\n"
         "\n"
         "Pack:     ltar [-v] [-C DIR]... OUT.ltar TRACE [ITEM...]\n"
         "          ITEM = FILE | -i N FILE (file from base N, LTR3 only) | -c COMMENT\n"
         "Unpack:   ltar [-v] [-f] [-C DIR]... [--jobs N] [--delete-corrupted] -x FILE...\n"
         "          FILE '-' reads a JSON array from stdin: [\"a.ltar\", {\"file\": \"b.ltar\",\n"
         "          \"base\": \"dir\" | [\"dir0\", null, ...]}, ...]\n"
         "Comments: ltar -k FILE...\n"
         "Batch:    ltar --pack-batch   (leancache) one pack per stdin line, each a JSON array\n"
         "          of the arguments above, e.g. [\"-C\", \"dir\", \"a.ltar\", \"A.trace\", \"A.olean\"]\n"
         "\n"
         "Options (only before the first non-option argument):\n"
         "  -C DIR              add a base directory (the i-th -C is base i; default '.')\n"
         "  -x, -d              unpack\n"
         "  -k                  print the comments of archives\n"
         "  -f                  unpack even if the trace says it is already unpacked\n"
         "  -j                  stdin is JSON (always the case; accepted for compatibility)\n"
         "  -r, --delete-corrupted  delete truncated archives (always on, as in leantar)\n"
         "  --jobs N            number of archives unpacked in parallel\n"
         "  -v                  verbose\n"
         "  --version, --help\n";
}

namespace {

absl::Status Usage(std::string_view why) {
  return absl::InvalidArgumentError(absl::StrCat(std::string(why), " (see ltar --help)"));
}

}  // namespace

absl::StatusOr<CliArgs> ParseArgs(const std::vector<std::string>& args) {
  CliArgs a;
  bool mode_set = false;
  std::vector<ltar::PackItem> leading_comments;
  size_t i = 0;
  auto need_value = [&](const std::string& opt) -> absl::StatusOr<std::string> {
    if (i + 1 >= args.size()) return Usage(absl::StrCat("missing value for ", opt));
    return args[++i];
  };
  // Phase 1: options.
  for (; i < args.size(); ++i) {
    const std::string& s = args[i];
    if (s == "--") {
      ++i;
      break;
    }
    if (s.size() < 2 || s[0] != '-') break;  // first non-option (including "-")
    if (s == "--version") {
      a.command = Command::kVersion;
      return a;
    }
    if (s == "--help" || s == "-h") {
      a.command = Command::kHelp;
      return a;
    }
    if (s == "--delete-corrupted") continue;
    if (s == "--jobs" || s.rfind("--jobs=", 0) == 0) {
      std::string v;
      if (s == "--jobs") {
        auto r = need_value(s);
        if (!r.ok()) return r.status();
        v = *r;
      } else {
        v = s.substr(7);
      }
      if (!absl::SimpleAtoi(v, &a.jobs) || a.jobs < 1) return Usage("bad --jobs value");
      continue;
    }
    if (s.rfind("--", 0) == 0) return Usage(absl::StrCat("unknown option ", s));
    // Short options, possibly combined ("-vf"); -C takes a value (attached or next argument),
    // -c (a leading comment) as well.
    for (size_t k = 1; k < s.size(); ++k) {
      char c = s[k];
      if (c == 'C' || c == 'c') {
        std::string v;
        if (k + 1 < s.size()) {
          v = s.substr(k + 1);
        } else {
          auto r = need_value(std::string("-") + c);
          if (!r.ok()) return r.status();
          v = *r;
        }
        if (c == 'C') {
          a.bases.push_back(v);
        } else {
          leading_comments.push_back(ltar::PackItem{ltar::PackSource::Kind::kComment, 0, v});
        }
        break;
      }
      switch (c) {
        case 'v':
          a.verbose = true;
          break;
        case 'f':
          a.force = true;
          break;
        case 'j':
        case 'r':
          break;
        case 'x':
        case 'd':
          a.command = Command::kUnpack;
          mode_set = true;
          break;
        case 'k':
          a.command = Command::kComments;
          mode_set = true;
          break;
        default:
          return Usage(absl::StrCat("unknown option -", std::string(1, c)));
      }
    }
  }
  if (a.bases.empty()) a.bases.push_back(".");
  std::vector<std::string> rest(args.begin() + static_cast<long>(std::min(i, args.size())),
                                args.end());
  if (mode_set) {
    if (rest.empty()) return Usage("no archive given");
    a.files = rest;
    return a;
  }
  // Pack: OUT TRACE [ITEM...]
  if (rest.size() < 2) return Usage("pack needs OUT.ltar and TRACE");
  a.command = Command::kPack;
  a.out = rest[0];
  a.trace = rest[1];
  a.items = leading_comments;
  for (size_t k = 2; k < rest.size(); ++k) {
    const std::string& s = rest[k];
    if (s == "-c") {
      if (k + 1 >= rest.size()) return Usage("-c needs a comment");
      a.items.push_back(ltar::PackItem{ltar::PackSource::Kind::kComment, 0, rest[++k]});
    } else if (s == "-i") {
      if (k + 2 >= rest.size()) return Usage("-i needs N and FILE");
      int n;
      if (!absl::SimpleAtoi(rest[k + 1], &n) || n < 0 || n > 255) {
        return Usage(absl::StrCat("bad base index '", rest[k + 1], "'"));
      }
      a.items.push_back(
          ltar::PackItem{ltar::PackSource::Kind::kFile, static_cast<uint8_t>(n), rest[k + 2]});
      k += 2;
    } else {
      a.items.push_back(ltar::PackItem{ltar::PackSource::Kind::kFile, 0, s});
    }
  }
  return a;
}

}  // namespace leancache::ltar_cli
