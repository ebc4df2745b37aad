#include "client/render/event_renderer.h"

#include <cstdio>
#include <iostream>

#include "nlohmann/json.hpp"

namespace leancache::render {
namespace {

std::string HumanBytes(double bytes) {
  const char* units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
  int u = 0;
  while (bytes >= 1024 && u < 4) {
    bytes /= 1024;
    ++u;
  }
  char buf[32];
  std::snprintf(buf, sizeof buf, u == 0 ? "%.0f %s" : "%.1f %s", bytes, units[u]);
  return buf;
}

}  // namespace

bool EventRenderer::Handle(const v1::Event& event) {
  switch (event.kind_case()) {
    case v1::Event::kMessage: {
      ClearProgressLine();
      auto& out = event.message().stream() == v1::Message::STDERR ? std::cerr : std::cout;
      // In JSON mode stdout belongs to the JSON document; messages go to stderr.
      auto& target = (json_ && event.message().stream() == v1::Message::STDOUT) ? std::cerr : out;
      target << event.message().text() << "\n";
      target.flush();
      break;
    }
    case v1::Event::kProgress:
      RenderProgress(event.progress());
      break;
    case v1::Event::kHash: {
      const auto& result = event.hash();
      if (json_) {
        nlohmann::json doc = nlohmann::json::object();
        for (const auto& key : result.keys()) doc[key.module()] = key.hash16();
        json_document_ = doc.dump(2);
      } else {
        ClearProgressLine();
        std::string text;
        for (const auto& key : result.keys()) {
          text += key.module();
          text += '\t';
          text += key.hash16();
          text += '\n';
        }
        std::cout << text;
        std::cout.flush();
      }
      break;
    }
    case v1::Event::kLookup: {
      if (json_) {
        nlohmann::json doc = nlohmann::json::array();
        for (const auto& e : event.lookup().entries()) {
          doc.push_back({{"module", e.module()},
                         {"archive", e.archive_path()},
                         {"present", e.present()},
                         {"comments", std::vector<std::string>(e.comments().begin(), e.comments().end())}});
        }
        json_document_ = doc.dump(2);
      }
      break;
    }
    case v1::Event::kDone:
      done_ = true;
      exit_code_ = event.done().exit_code();
      if (json_ && json_document_.empty() && !event.done().summary_json().empty()) {
        json_document_ = event.done().summary_json();
      }
      return false;
    default:
      break;  // newer daemon, unknown event: ignore
  }
  return true;
}

void EventRenderer::RenderProgress(const v1::Progress& p) {
  if (json_ && !tty_) return;
  std::string line = p.phase() + ": " + std::to_string(p.files_done()) + "/" +
                     std::to_string(p.files_total()) + " files";
  if (p.files_failed() > 0) line += ", " + std::to_string(p.files_failed()) + " failed";
  if (p.bytes_done() > 0) {
    line += ", " + HumanBytes(static_cast<double>(p.bytes_done()));
    if (p.bytes_per_second() > 0) line += " at " + HumanBytes(p.bytes_per_second()) + "/s";
  }
  if (p.unpacked() > 0) line += ", unpacked " + std::to_string(p.unpacked());
  if (p.unpack_failed() > 0) line += " (" + std::to_string(p.unpack_failed()) + " failed)";
  if (tty_) {
    int width = 24;
    int filled = p.files_total() == 0 ? width
                                       : static_cast<int>(width * p.files_done() / p.files_total());
    std::string bar = "[" + std::string(filled, '#') + std::string(width - filled, '.') + "] ";
    std::cerr << "\r" << bar << line << "\x1b[K";
    std::cerr.flush();
    progress_line_open_ = true;
  } else {
    auto now = std::chrono::steady_clock::now();
    bool final = p.files_total() != 0 && p.files_done() == p.files_total();
    if (!final && now - last_plain_progress_ < std::chrono::seconds(2)) return;
    last_plain_progress_ = now;
    std::cerr << line << "\n";
  }
}

void EventRenderer::ClearProgressLine() {
  if (progress_line_open_) {
    std::cerr << "\r\x1b[K";
    progress_line_open_ = false;
  }
}

int EventRenderer::Finish(bool stream_ok, const std::string& stream_error) {
  ClearProgressLine();
  if (!done_) {
    std::cerr << "leancache: the daemon ended the request without a result"
              << (stream_error.empty() ? "" : ": " + stream_error) << "\n";
    return 1;
  }
  if (json_ && !json_document_.empty()) std::cout << json_document_ << "\n";
  (void)stream_ok;
  return exit_code_;
}

}  // namespace leancache::render
