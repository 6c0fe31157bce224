#include "step/depfile.h"

#include <set>

namespace edgecache {
namespace {

// Splits depfile text into words, marking where a rule's ':' falls.
struct Token {
  std::string text;
  bool ends_target = false;  // the word was followed by the rule's ':'
};

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r'; }

std::vector<Token> tokenize(std::string_view text, bool* unbalanced) {
  std::vector<Token> tokens;
  std::string word;
  auto flush = [&](bool ends_target) {
    if (!word.empty())
      tokens.push_back({word, ends_target});
    else if (ends_target && !tokens.empty())
      tokens.back().ends_target = true;
    else if (ends_target)
      *unbalanced = true;
    word.clear();
  };
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '\\' && i + 1 < text.size()) {
      char next = text[i + 1];
      if (next == '\n') {
        flush(false);
        ++i;
        continue;
      }
      if (next == '\r' && i + 2 < text.size() && text[i + 2] == '\n') {
        flush(false);
        i += 2;
        continue;
      }
      if (next == ' ' || next == '#' || next == '\\') {
        word += next;
        ++i;
        continue;
      }
    }
    if (c == '$' && i + 1 < text.size() && text[i + 1] == '$') {
      word += '$';
      ++i;
      continue;
    }
    if (c == ':' && (i + 1 == text.size() || is_space(text[i + 1]) || text[i + 1] == '\n')) {
      flush(true);
      continue;
    }
    if (is_space(c)) {
      flush(false);
      continue;
    }
    if (c == '\n') {
      flush(false);
      tokens.push_back({"\n", false});
      continue;
    }
    word += c;
  }
  flush(false);
  return tokens;
}

}  // namespace

Result<Depfile> parse_depfile(std::string_view text) {
  bool unbalanced = false;
  std::vector<Token> tokens = tokenize(text, &unbalanced);
  if (unbalanced) return Error{"depfile: ':' without a target"};
  Depfile depfile;
  std::set<std::string> seen;
  std::vector<std::string> pending_targets;
  bool in_dependencies = false;
  for (Token& token : tokens) {
    if (token.text == "\n") {
      if (!pending_targets.empty()) return Error{"depfile: target without ':'"};
      in_dependencies = false;
      continue;
    }
    if (!in_dependencies) {
      pending_targets.push_back(std::move(token.text));
      if (token.ends_target) {
        for (auto& t : pending_targets) depfile.targets.push_back(std::move(t));
        pending_targets.clear();
        in_dependencies = true;
      }
      continue;
    }
    if (token.ends_target) return Error{"depfile: unexpected ':' in dependency list"};
    if (seen.insert(token.text).second) depfile.dependencies.push_back(std::move(token.text));
  }
  if (!pending_targets.empty()) return Error{"depfile: target without ':'"};
  return depfile;
}

}  // namespace edgecache
