#pragma once

#include <functional>
#include <stdexcept>
#include <string>
#include <vector>

namespace jira_sim {

// Carries Jira's own wording, so a client sees what the real server would say.
struct JqlError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

enum class JqlOp { kEq, kNe, kIn, kNotIn, kContains, kNotContains, kIs, kIsNot };

struct JqlClause {
  std::string field;    // canonical: project issuetype parent epiclink key summary status
                        // statuscategory labels assignee
  std::string written;  // as the query spelled it, for error messages
  JqlOp op = JqlOp::kEq;
  std::vector<std::string> values;  // empty for IS [NOT] EMPTY
};

struct JqlNode {
  enum class Kind { kClause, kAnd, kOr, kNot } kind = Kind::kClause;
  JqlClause clause;
  std::vector<JqlNode> children;
};

struct JqlOrder {
  std::string field;  // canonical: key created updated summary priority status issuetype rank
  bool descending = false;
};

// The subset of JQL real clients send when they sync an epic: field comparisons joined by
// AND/OR/NOT with parentheses, and ORDER BY. Anything else is refused the way Jira refuses it.
class JqlQuery {
 public:
  static JqlQuery parse(const std::string& text);  // throws JqlError

  // Jira's enhanced search refuses queries that select everything.
  bool bounded() const { return has_where_; }
  using Lookup = std::function<std::vector<std::string>(const std::string& field)>;
  bool matches(const Lookup& values_of) const;
  const std::vector<JqlOrder>& order() const { return order_; }
  std::vector<const JqlClause*> clauses() const;

 private:
  bool has_where_ = false;
  JqlNode where_;
  std::vector<JqlOrder> order_;
};

}  // namespace jira_sim
