#pragma once
// Keeping secrets out of logs and error messages. SAS tokens live in URL query strings, S3 keys
// and bearer tokens in request options; none of them may reach a log line or an error string.

#include <string>
#include <string_view>
#include <vector>

namespace leancache::transfer {

// `url` without user info, query string and fragment: "https://u:p@h/a?sig=x#f" ->
// "https://h/a". A removed query is marked as "?<redacted>" so readers know one was there.
std::string RedactUrl(std::string_view url);

// Scrubs known secret strings out of free text (e.g. curl's error buffer, which may quote parts
// of a request). Every occurrence of a registered secret becomes "<redacted>".
class Redactor {
 public:
  // Registers `secret`; empty strings and strings shorter than 4 bytes are ignored (too likely to
  // match innocent text; no real token is that short).
  void Add(std::string_view secret);
  // Registers the query string of `url`, each of its parameter values, and its user info.
  void AddUrl(std::string_view url);
  // `text` with every registered secret replaced.
  std::string Scrub(std::string_view text) const;

 private:
  std::vector<std::string> secrets_;
};

}  // namespace leancache::transfer
