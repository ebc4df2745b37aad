#include "daemon/transfer/redact.h"

#include <algorithm>

namespace leancache::transfer {
namespace {

constexpr std::string_view kMark = "<redacted>";

// Position just after "scheme://", or 0 if the URL has no scheme.
size_t AuthorityStart(std::string_view url) {
  size_t p = url.find("://");
  return p == std::string_view::npos ? 0 : p + 3;
}

}  // namespace

std::string RedactUrl(std::string_view url) {
  size_t cut = url.find_first_of("?#");
  bool had_query = cut != std::string_view::npos && url[cut] == '?';
  std::string_view base = url.substr(0, cut);
  std::string out;
  size_t start = AuthorityStart(base);
  size_t host_end = base.find('/', start);
  std::string_view authority = base.substr(start, host_end == std::string_view::npos
                                                      ? std::string_view::npos
                                                      : host_end - start);
  size_t at = authority.rfind('@');
  if (at != std::string_view::npos) {
    out.append(base.substr(0, start));
    out.append(base.substr(start + at + 1));
  } else {
    out.append(base);
  }
  if (had_query) {
    out.push_back('?');
    out.append(kMark);
  }
  return out;
}

void Redactor::Add(std::string_view secret) {
  if (secret.size() < 4) return;
  std::string s(secret);
  if (std::find(secrets_.begin(), secrets_.end(), s) == secrets_.end()) {
    secrets_.push_back(std::move(s));
  }
  // Longest first, so a secret that contains another is replaced whole.
  std::sort(secrets_.begin(), secrets_.end(),
            [](const std::string& a, const std::string& b) { return a.size() > b.size(); });
}

void Redactor::AddUrl(std::string_view url) {
  size_t start = AuthorityStart(url);
  size_t host_end = url.find_first_of("/?#", start);
  std::string_view authority = url.substr(start, host_end == std::string_view::npos
                                                     ? std::string_view::npos
                                                     : host_end - start);
  size_t at = authority.rfind('@');
  if (at != std::string_view::npos) {
    std::string_view userinfo = authority.substr(0, at);
    Add(userinfo);
    size_t colon = userinfo.find(':');
    if (colon != std::string_view::npos) Add(userinfo.substr(colon + 1));
  }
  size_t q = url.find('?');
  if (q == std::string_view::npos) return;
  std::string_view query = url.substr(q + 1);
  query = query.substr(0, query.find('#'));
  Add(query);
  while (!query.empty()) {
    size_t amp = query.find('&');
    std::string_view param = query.substr(0, amp);
    size_t eq = param.find('=');
    if (eq != std::string_view::npos) Add(param.substr(eq + 1));
    if (amp == std::string_view::npos) break;
    query.remove_prefix(amp + 1);
  }
}

std::string Redactor::Scrub(std::string_view text) const {
  std::string out(text);
  for (const std::string& secret : secrets_) {
    size_t pos = 0;
    while ((pos = out.find(secret, pos)) != std::string::npos) {
      out.replace(pos, secret.size(), kMark);
      pos += kMark.size();
    }
  }
  return out;
}

}  // namespace leancache::transfer
