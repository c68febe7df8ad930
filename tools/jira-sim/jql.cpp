#include "jql.h"

#include <cctype>
#include <map>
#include <sstream>

#include "http_util.h"

namespace jira_sim {
namespace {

enum class Tok { kWord, kString, kOp, kLParen, kRParen, kComma, kEnd };

struct Token {
  Tok kind;
  std::string text;
  size_t pos;  // 1-based character, as Jira reports it
};

bool word_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '.' ||
         c == '[' || c == ']' || c == '@' || c == ':' || c == '*';
}

[[noreturn]] void syntax(const std::string& expected, const Token& got) {
  std::string seen = got.kind == Tok::kEnd ? "EOF" : "'" + got.text + "'";
  std::ostringstream msg;
  msg << "Error in the JQL Query: Expecting " << expected << " but got " << seen
      << ". (line 1, character " << got.pos << ")";
  throw JqlError(msg.str());
}

std::vector<Token> tokenize(const std::string& s) {
  std::vector<Token> out;
  size_t i = 0;
  while (i < s.size()) {
    char c = s[i];
    if (std::isspace(static_cast<unsigned char>(c))) {
      ++i;
      continue;
    }
    size_t pos = i + 1;
    if (c == '(' || c == ')' || c == ',') {
      out.push_back({c == '('   ? Tok::kLParen
                     : c == ')' ? Tok::kRParen
                                : Tok::kComma,
                     std::string(1, c), pos});
      ++i;
    } else if (c == '"' || c == '\'') {
      std::string text;
      ++i;
      while (i < s.size() && s[i] != c) {
        if (s[i] == '\\' && i + 1 < s.size()) ++i;
        text += s[i++];
      }
      if (i >= s.size()) {
        throw JqlError("Error in the JQL Query: The quoted string '" + text +
                       "' has not been completed. (line 1, character " + std::to_string(pos) + ")");
      }
      ++i;
      out.push_back({Tok::kString, text, pos});
    } else if (c == '=' || c == '~') {
      out.push_back({Tok::kOp, std::string(1, c), pos});
      ++i;
    } else if (c == '!' || c == '<' || c == '>') {
      std::string op(1, c);
      if (i + 1 < s.size() && (s[i + 1] == '=' || (c == '!' && s[i + 1] == '~'))) op += s[i + 1];
      if (op == "!") {
        throw JqlError(
            "Error in the JQL Query: The character '!' is a reserved JQL character. "
            "You must enclose it in a string or use the escape '\\u0021' instead. "
            "(line 1, character " +
            std::to_string(pos) + ")");
      }
      out.push_back({Tok::kOp, op, pos});
      i += op.size();
    } else if (word_char(c)) {
      std::string text;
      while (i < s.size() && word_char(s[i])) text += s[i++];
      out.push_back({Tok::kWord, text, pos});
    } else {
      throw JqlError("Error in the JQL Query: The character '" + std::string(1, c) +
                     "' is a reserved JQL character. You must enclose it in a string or use the "
                     "escape instead. (line 1, character " +
                     std::to_string(pos) + ")");
    }
  }
  out.push_back({Tok::kEnd, "", s.size() + 1});
  return out;
}

// Fields the simulator evaluates, keyed by every name Jira accepts for them.
const std::map<std::string, std::string>& field_aliases() {
  static const std::map<std::string, std::string> m = {
      {"project", "project"}, {"issuetype", "issuetype"}, {"type", "issuetype"},
      {"parent", "parent"},   {"epic link", "epiclink"},  {"cf[10014]", "epiclink"},
      {"key", "key"},         {"issuekey", "key"},        {"id", "key"},
      {"summary", "summary"}, {"status", "status"},       {"statuscategory", "statuscategory"},
      {"labels", "labels"},   {"assignee", "assignee"},
  };
  return m;
}

// Real Jira fields the simulator does not evaluate: refused with a clear reason rather than
// being treated as unknown, so a test failure points at the simulator's limits.
bool known_but_unsupported(const std::string& f) {
  static const std::vector<std::string> names = {
      "created",     "updated",  "resolution", "priority",  "reporter",
      "description", "text",     "sprint",     "rank",      "duedate",
      "comment",     "resolved", "fixversion", "component", "cf[10016]"};
  for (const auto& n : names) {
    if (n == f) return true;
  }
  return false;
}

const std::map<std::string, std::string>& order_aliases() {
  static const std::map<std::string, std::string> m = {
      {"key", "key"},           {"issuekey", "key"},    {"id", "key"},
      {"created", "created"},   {"updated", "updated"}, {"summary", "summary"},
      {"priority", "priority"}, {"status", "status"},   {"issuetype", "issuetype"},
      {"type", "issuetype"},    {"rank", "rank"}};
  return m;
}

bool is_keyword(const Token& t, const char* kw) {
  return t.kind == Tok::kWord && iequals(t.text, kw);
}

class Parser {
 public:
  explicit Parser(std::vector<Token> toks) : toks_(std::move(toks)) {}

  void parse(bool& has_where, JqlNode& where, std::vector<JqlOrder>& order) {
    if (!is_keyword(peek(), "order") && peek().kind != Tok::kEnd) {
      where = parse_or();
      has_where = true;
    }
    if (is_keyword(peek(), "order")) {
      next();
      if (!is_keyword(peek(), "by")) syntax("'BY'", peek());
      next();
      parse_order(order);
    }
    if (peek().kind != Tok::kEnd) syntax("either 'OR' or 'AND'", peek());
  }

 private:
  const Token& peek() const { return toks_[i_]; }
  const Token& next() { return toks_[i_ < toks_.size() - 1 ? i_++ : i_]; }

  JqlNode parse_or() {
    JqlNode left = parse_and();
    while (is_keyword(peek(), "or")) {
      next();
      JqlNode n;
      n.kind = JqlNode::Kind::kOr;
      n.children = {std::move(left), parse_and()};
      left = std::move(n);
    }
    return left;
  }

  JqlNode parse_and() {
    JqlNode left = parse_not();
    while (is_keyword(peek(), "and")) {
      next();
      JqlNode n;
      n.kind = JqlNode::Kind::kAnd;
      n.children = {std::move(left), parse_not()};
      left = std::move(n);
    }
    return left;
  }

  JqlNode parse_not() {
    if (is_keyword(peek(), "not")) {
      next();
      JqlNode n;
      n.kind = JqlNode::Kind::kNot;
      n.children = {parse_not()};
      return n;
    }
    if (peek().kind == Tok::kLParen) {
      next();
      JqlNode inner = parse_or();
      if (peek().kind != Tok::kRParen) syntax("')'", peek());
      next();
      return inner;
    }
    return parse_clause();
  }

  std::string parse_value() {
    const Token& t = peek();
    if (t.kind != Tok::kWord && t.kind != Tok::kString) syntax("either a value or a list", t);
    next();
    if (t.kind == Tok::kWord && peek().kind == Tok::kLParen) {
      throw JqlError("Error in the JQL Query: jira-sim does not support the JQL function '" +
                     t.text + "()'.");
    }
    return t.text;
  }

  JqlNode parse_clause() {
    const Token& ft = peek();
    if (ft.kind != Tok::kWord && ft.kind != Tok::kString) syntax("a field name", ft);
    next();
    JqlNode node;
    JqlClause& c = node.clause;
    c.written = ft.text;
    const std::string key = lower(ft.text);
    auto alias = field_aliases().find(key);
    if (alias == field_aliases().end()) {
      if (known_but_unsupported(key)) {
        throw JqlError("Error in the JQL Query: jira-sim does not support the field '" + ft.text +
                       "' in a JQL condition.");
      }
      throw JqlError("Field '" + ft.text +
                     "' does not exist or you do not have permission to view it.");
    }
    c.field = alias->second;
    const Token& op = peek();
    std::string op_text;
    if (op.kind == Tok::kOp) {
      op_text = op.text;
      next();
    } else if (is_keyword(op, "in")) {
      op_text = "in";
      next();
    } else if (is_keyword(op, "is")) {
      next();
      op_text = "is";
      if (is_keyword(peek(), "not")) {
        next();
        op_text = "is not";
      }
    } else if (is_keyword(op, "not")) {
      next();
      if (!is_keyword(peek(), "in")) syntax("'IN'", peek());
      next();
      op_text = "not in";
    } else {
      syntax("operator", op);
    }
    static const std::map<std::string, JqlOp> ops = {
        {"=", JqlOp::kEq},         {"!=", JqlOp::kNe},       {"in", JqlOp::kIn},
        {"not in", JqlOp::kNotIn}, {"~", JqlOp::kContains},  {"!~", JqlOp::kNotContains},
        {"is", JqlOp::kIs},        {"is not", JqlOp::kIsNot}};
    auto found = ops.find(op_text);
    bool text_field = c.field == "summary";
    bool text_op = found != ops.end() &&
                   (found->second == JqlOp::kContains || found->second == JqlOp::kNotContains);
    bool empty_op =
        found != ops.end() && (found->second == JqlOp::kIs || found->second == JqlOp::kIsNot);
    if (found == ops.end() || (text_field && !text_op && !empty_op) || (!text_field && text_op)) {
      throw JqlError("The operator '" + op_text + "' is not supported by the '" + c.written +
                     "' field.");
    }
    c.op = found->second;
    if (c.op == JqlOp::kIn || c.op == JqlOp::kNotIn) {
      if (peek().kind != Tok::kLParen) syntax("'('", peek());
      next();
      c.values.push_back(parse_value());
      while (peek().kind == Tok::kComma) {
        next();
        c.values.push_back(parse_value());
      }
      if (peek().kind != Tok::kRParen) syntax("')'", peek());
      next();
    } else if (c.op == JqlOp::kIs || c.op == JqlOp::kIsNot) {
      if (!is_keyword(peek(), "empty") && !is_keyword(peek(), "null")) {
        syntax("'EMPTY' or 'NULL'", peek());
      }
      next();
    } else {
      const Token& vt = peek();
      std::string v = parse_value();
      bool empty_word = vt.kind == Tok::kWord && (iequals(v, "empty") || iequals(v, "null"));
      if (empty_word && (c.op == JqlOp::kEq || c.op == JqlOp::kNe)) {
        c.op = c.op == JqlOp::kEq ? JqlOp::kIs : JqlOp::kIsNot;
      } else {
        c.values.push_back(v);
      }
    }
    return node;
  }

  void parse_order(std::vector<JqlOrder>& order) {
    for (;;) {
      const Token& ft = peek();
      if (ft.kind != Tok::kWord && ft.kind != Tok::kString) syntax("a field name", ft);
      next();
      auto alias = order_aliases().find(lower(ft.text));
      if (alias == order_aliases().end()) {
        if (field_aliases().count(lower(ft.text))) {
          throw JqlError("Error in the JQL Query: jira-sim cannot order by the field '" + ft.text +
                         "'.");
        }
        throw JqlError("Not able to sort using field '" + ft.text + "'.");
      }
      JqlOrder o{alias->second, false};
      if (is_keyword(peek(), "asc")) {
        next();
      } else if (is_keyword(peek(), "desc")) {
        o.descending = true;
        next();
      }
      order.push_back(o);
      if (peek().kind != Tok::kComma) break;
      next();
    }
  }

  std::vector<Token> toks_;
  size_t i_ = 0;
};

bool contains_words(const std::string& haystack, const std::string& needle) {
  std::string h = lower(haystack);
  std::istringstream words(lower(needle));
  std::string w;
  bool any = false;
  while (words >> w) {
    std::string bare;
    for (char c : w) {
      if (c != '*' && c != '?') bare += c;
    }
    if (bare.empty()) continue;
    any = true;
    if (h.find(bare) == std::string::npos) return false;
  }
  return any;
}

bool eval_clause(const JqlClause& c, const JqlQuery::Lookup& values_of) {
  std::vector<std::string> have = values_of(c.field);
  auto any_equal = [&] {
    for (const auto& want : c.values) {
      for (const auto& h : have) {
        if (iequals(h, want)) return true;
      }
    }
    return false;
  };
  switch (c.op) {
    case JqlOp::kEq:
    case JqlOp::kIn:
      return any_equal();
    case JqlOp::kNe:
    case JqlOp::kNotIn:
      // JQL's negations never match an empty field.
      return !have.empty() && !any_equal();
    case JqlOp::kIs:
      return have.empty();
    case JqlOp::kIsNot:
      return !have.empty();
    case JqlOp::kContains:
    case JqlOp::kNotContains: {
      bool hit = !have.empty() && contains_words(have.front(), c.values.front());
      return c.op == JqlOp::kContains ? hit : (!have.empty() && !hit);
    }
  }
  return false;
}

bool eval(const JqlNode& n, const JqlQuery::Lookup& values_of) {
  switch (n.kind) {
    case JqlNode::Kind::kClause:
      return eval_clause(n.clause, values_of);
    case JqlNode::Kind::kAnd:
      return eval(n.children[0], values_of) && eval(n.children[1], values_of);
    case JqlNode::Kind::kOr:
      return eval(n.children[0], values_of) || eval(n.children[1], values_of);
    case JqlNode::Kind::kNot:
      return !eval(n.children[0], values_of);
  }
  return false;
}

void collect(const JqlNode& n, std::vector<const JqlClause*>& out) {
  if (n.kind == JqlNode::Kind::kClause) {
    out.push_back(&n.clause);
    return;
  }
  for (const auto& c : n.children) collect(c, out);
}

}  // namespace

JqlQuery JqlQuery::parse(const std::string& text) {
  JqlQuery q;
  Parser(tokenize(text)).parse(q.has_where_, q.where_, q.order_);
  return q;
}

bool JqlQuery::matches(const Lookup& values_of) const {
  return !has_where_ || eval(where_, values_of);
}

std::vector<const JqlClause*> JqlQuery::clauses() const {
  std::vector<const JqlClause*> out;
  if (has_where_) collect(where_, out);
  return out;
}

}  // namespace jira_sim
