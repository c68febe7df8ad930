#include "richtext/adf_nodes.h"

#include <algorithm>
#include <vector>

namespace epicsync::richtext::adf {

namespace {

const json& empty_array() {
  static const json value = json::array();
  return value;
}

const json& empty_object() {
  static const json value = json::object();
  return value;
}

json simple_mark(const char* type) {
  return json{{"type", type}};
}

}  // namespace

json MarkSet::to_json() const {
  json marks = json::array();
  if (code) {
    marks.push_back(simple_mark("code"));
  } else {
    if (strong) marks.push_back(simple_mark("strong"));
    if (em) marks.push_back(simple_mark("em"));
    if (strike) marks.push_back(simple_mark("strike"));
    if (underline) marks.push_back(simple_mark("underline"));
    if (!subsup.empty()) marks.push_back(json{{"type", "subsup"}, {"attrs", {{"type", subsup}}}});
  }
  if (href) marks.push_back(json{{"type", "link"}, {"attrs", {{"href", *href}}}});
  return marks;
}

void append_text(json& content, std::string_view text, const MarkSet& marks) {
  if (text.empty()) return;
  json mark_json = marks.to_json();
  if (!content.empty()) {
    json& last = content.back();
    if (type_of(last) == "text" && last.contains("text") && last["text"].is_string()) {
      const json& last_marks = last.contains("marks") ? last["marks"] : empty_array();
      if (last_marks == mark_json) {
        last["text"].get_ref<std::string&>() += text;
        return;
      }
    }
  }
  json node{{"type", "text"}, {"text", std::string(text)}};
  if (!mark_json.empty()) node["marks"] = std::move(mark_json);
  content.push_back(std::move(node));
}

std::string valid_utf8(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  size_t i = 0;
  while (i < text.size()) {
    unsigned char c = static_cast<unsigned char>(text[i]);
    size_t length = 0;
    unsigned int min = 0;
    if (c < 0x80) {
      out += static_cast<char>(c);
      ++i;
      continue;
    } else if (c >= 0xC2 && c <= 0xDF) {
      length = 2;
      min = 0x80;
    } else if (c >= 0xE0 && c <= 0xEF) {
      length = 3;
      min = 0x800;
    } else if (c >= 0xF0 && c <= 0xF4) {
      length = 4;
      min = 0x10000;
    }
    bool ok = length > 0 && i + length <= text.size();
    unsigned int code = length == 2 ? (c & 0x1F) : length == 3 ? (c & 0x0F) : (c & 0x07);
    for (size_t k = 1; ok && k < length; ++k) {
      unsigned char next = static_cast<unsigned char>(text[i + k]);
      if ((next & 0xC0) != 0x80) ok = false;
      code = (code << 6) | (next & 0x3F);
    }
    if (ok && (code < min || code > 0x10FFFF || (code >= 0xD800 && code <= 0xDFFF))) ok = false;
    if (ok) {
      out.append(text.substr(i, length));
      i += length;
    } else {
      out += "\xEF\xBF\xBD";
      ++i;
    }
  }
  return out;
}

void append_inline(json& content, const json& node) {
  if (type_of(node) == "text" && text_of(node).empty()) return;
  if (type_of(node) == "text" && !content.empty() && type_of(content.back()) == "text" &&
      content.back().contains("text") && content.back()["text"].is_string()) {
    json& last = content.back();
    json last_marks = last.contains("marks") ? last["marks"] : json::array();
    json marks = node.contains("marks") ? node["marks"] : json::array();
    if (last_marks == marks) {
      last["text"].get_ref<std::string&>() += text_of(node);
      return;
    }
  }
  content.push_back(node);
}

void append_hard_break(json& content) {
  content.push_back(json{{"type", "hardBreak"}});
}

json paragraph(json content) {
  return json{{"type", "paragraph"}, {"content", std::move(content)}};
}

void place_rule(json& out, bool top_level) {
  if (top_level) {
    out.push_back(json{{"type", "rule"}});
    return;
  }
  json content = json::array();
  append_text(content, "---", {});
  out.push_back(paragraph(std::move(content)));
}

void place_table_rows(json& out, json rows, bool top_level) {
  if (rows.empty()) return;
  if (top_level) {
    out.push_back(json{{"type", "table"}, {"content", std::move(rows)}});
    return;
  }
  for (const json& row : rows) {
    json content = json::array();
    bool first = true;
    for (const json& cell : content_of(row)) {
      if (!first) append_text(content, " | ", {});
      first = false;
      for (const json& node : content_of(content_of(cell)[0])) append_inline(content, node);
    }
    out.push_back(paragraph(std::move(content)));
  }
}

json empty_paragraph() {
  return paragraph(json::array());
}

bool is_inline_type(std::string_view type) {
  return type == "text" || type == "hardBreak" || type == "mention" || type == "emoji" ||
         type == "status" || type == "date" || type == "inlineCard" || type == "placeholder" ||
         type == "mediaInline" || type == "inlineExtension";
}

std::string_view type_of(const json& node) {
  if (!node.is_object()) return {};
  auto it = node.find("type");
  if (it == node.end() || !it->is_string()) return {};
  return it->get_ref<const std::string&>();
}

const json& content_of(const json& node) {
  if (!node.is_object()) return empty_array();
  auto it = node.find("content");
  if (it == node.end() || !it->is_array()) return empty_array();
  return *it;
}

const json& attrs_of(const json& node) {
  if (!node.is_object()) return empty_object();
  auto it = node.find("attrs");
  if (it == node.end() || !it->is_object()) return empty_object();
  return *it;
}

std::string string_attr(const json& node, const char* name) {
  const json& attrs = attrs_of(node);
  auto it = attrs.find(name);
  if (it == attrs.end() || !it->is_string()) return {};
  return it->get<std::string>();
}

std::optional<double> number_attr(const json& node, const char* name) {
  const json& attrs = attrs_of(node);
  auto it = attrs.find(name);
  if (it == attrs.end() || !it->is_number()) return std::nullopt;
  return it->get<double>();
}

std::string_view text_of(const json& node) {
  if (!node.is_object()) return {};
  auto it = node.find("text");
  if (it == node.end() || !it->is_string()) return {};
  return it->get_ref<const std::string&>();
}

MarkSet marks_of(const json& node) {
  MarkSet set;
  if (!node.is_object()) return set;
  auto it = node.find("marks");
  if (it == node.end() || !it->is_array()) return set;
  for (const json& mark : *it) {
    std::string_view type = type_of(mark);
    if (type == "strong") {
      set.strong = true;
    } else if (type == "em") {
      set.em = true;
    } else if (type == "strike") {
      set.strike = true;
    } else if (type == "underline") {
      set.underline = true;
    } else if (type == "code") {
      set.code = true;
    } else if (type == "subsup") {
      set.subsup = string_attr(mark, "type");
    } else if (type == "link") {
      set.href = string_attr(mark, "href");
    }
  }
  return set;
}

}  // namespace epicsync::richtext::adf

namespace epicsync::richtext::adf {

namespace {

bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\n';
}

bool has_mark(const json& node, std::string_view type) {
  auto it = node.find("marks");
  if (it == node.end() || !it->is_array()) return false;
  for (const json& mark : *it) {
    if (type_of(mark) == type) return true;
  }
  return false;
}

json without_mark(json node, std::string_view type) {
  auto it = node.find("marks");
  if (it == node.end() || !it->is_array()) return node;
  json kept = json::array();
  for (const json& mark : *it) {
    if (type_of(mark) != type) kept.push_back(mark);
  }
  if (kept.empty()) {
    node.erase("marks");
  } else {
    node["marks"] = std::move(kept);
  }
  return node;
}

json with_text(json node, std::string text) {
  node["text"] = std::move(text);
  return node;
}

const json& marks_or_empty(const json& node) {
  auto it = node.find("marks");
  return it == node.end() ? empty_array() : *it;
}

bool marks_sorted(const json& marks) {
  for (size_t i = 1; i < marks.size(); ++i) {
    std::string_view previous = type_of(marks[i - 1]);
    std::string_view current = type_of(marks[i]);
    // Equal types are ordered by their JSON; leave those to sorted_marks.
    if (!(previous < current)) return false;
  }
  return true;
}

json merged(json content) {
  json out = json::array();
  for (json& node : content) {
    if (type_of(node) != "text") {
      out.push_back(std::move(node));
      continue;
    }
    if (text_of(node).empty()) continue;
    auto marks_it = node.find("marks");
    if (marks_it != node.end()) {
      if (!marks_it->is_array() || marks_it->empty()) {
        node.erase(marks_it);
      } else if (marks_it->size() > 1 && !marks_sorted(*marks_it)) {
        *marks_it = sorted_marks(*marks_it);
      }
    }
    if (!out.empty() && type_of(out.back()) == "text" &&
        marks_or_empty(out.back()) == marks_or_empty(node)) {
      out.back()["text"].get_ref<std::string&>() += text_of(node);
      continue;
    }
    out.push_back(std::move(node));
  }
  return out;
}

// Moves the leading and trailing whitespace of every run of `type` outside the mark.
json unmark_run_edges(const json& content, std::string_view type) {
  json out = json::array();
  size_t i = 0;
  size_t n = content.size();
  while (i < n) {
    const json& node = content[i];
    if (type_of(node) != "text" || !has_mark(node, type)) {
      out.push_back(node);
      ++i;
      continue;
    }
    size_t end = i;
    while (end < n && type_of(content[end]) == "text" && has_mark(content[end], type)) ++end;
    std::vector<json> run(content.begin() + static_cast<std::ptrdiff_t>(i),
                          content.begin() + static_cast<std::ptrdiff_t>(end));
    std::vector<json> before;
    std::vector<json> after;
    while (!run.empty()) {
      std::string text(text_of(run.front()));
      size_t lead = 0;
      while (lead < text.size() && is_space(text[lead])) ++lead;
      if (lead == 0) break;
      before.push_back(with_text(without_mark(run.front(), type), text.substr(0, lead)));
      if (lead == text.size()) {
        run.erase(run.begin());
        continue;
      }
      run.front() = with_text(run.front(), text.substr(lead));
      break;
    }
    while (!run.empty()) {
      std::string text(text_of(run.back()));
      size_t keep = text.size();
      while (keep > 0 && is_space(text[keep - 1])) --keep;
      if (keep == text.size()) break;
      after.insert(after.begin(), with_text(without_mark(run.back(), type), text.substr(keep)));
      if (keep == 0) {
        run.pop_back();
        continue;
      }
      run.back() = with_text(run.back(), text.substr(0, keep));
      break;
    }
    for (json& part : before) out.push_back(std::move(part));
    for (json& part : run) out.push_back(std::move(part));
    for (json& part : after) out.push_back(std::move(part));
    i = end;
  }
  return out;
}

}  // namespace

json sorted_marks(const json& marks) {
  if (!marks.is_array()) return json::array();
  std::vector<json> list(marks.begin(), marks.end());
  std::sort(list.begin(), list.end(), [](const json& a, const json& b) {
    std::string_view ta = type_of(a);
    std::string_view tb = type_of(b);
    if (ta != tb) return ta < tb;
    return a.dump() < b.dump();
  });
  list.erase(std::unique(list.begin(), list.end()), list.end());
  return json(list);
}

json trim_line_edges(json content) {
  while (!content.empty() && type_of(content.front()) == "hardBreak") {
    content.erase(content.begin());
  }
  while (!content.empty() && type_of(content.back()) == "hardBreak") {
    content.erase(content.end() - 1);
  }
  size_t size = content.size();
  std::vector<bool> breaks(size);
  for (size_t i = 0; i < size; ++i) breaks[i] = type_of(content[i]) == "hardBreak";
  json out = json::array();
  for (size_t i = 0; i < size; ++i) {
    json node = std::move(content[i]);
    if (type_of(node) == "text") {
      std::string text(text_of(node));
      bool line_start = i == 0 || breaks[i - 1];
      bool line_end = i + 1 == size || breaks[i + 1];
      if (line_start) {
        size_t lead = 0;
        while (lead < text.size() && is_space(text[lead])) ++lead;
        text.erase(0, lead);
      }
      if (line_end) {
        while (!text.empty() && is_space(text.back())) text.pop_back();
      }
      if (text.empty()) continue;
      node["text"] = std::move(text);
    }
    out.push_back(std::move(node));
  }
  // Trimming can leave a break at an edge again (a line of only spaces).
  if (out.size() != size) return trim_line_edges(std::move(out));
  return out;
}

void flatten_block(const json& block, json& content) {
  std::string_view type = type_of(block);
  auto line_break = [&] {
    if (!content.empty()) append_hard_break(content);
  };
  if (type == "bulletList" || type == "orderedList") {
    bool ordered = type == "orderedList";
    int number = static_cast<int>(number_attr(block, "order").value_or(1));
    for (const json& item : content_of(block)) {
      line_break();
      append_text(content, ordered ? std::to_string(number++) + ". " : "• ", {});
      bool first = true;
      for (const json& child : content_of(item)) {
        if (!first) append_hard_break(content);
        first = false;
        flatten_block(child, content);
      }
    }
  } else if (type == "taskList") {
    for (const json& item : content_of(block)) {
      if (type_of(item) == "taskList") {
        flatten_block(item, content);
        continue;
      }
      line_break();
      append_text(content, string_attr(item, "state") == "DONE" ? "[x] " : "[ ] ", {});
      for (const json& node : content_of(item)) append_inline(content, node);
    }
  } else if (type == "codeBlock") {
    MarkSet code;
    code.code = true;
    std::string text;
    for (const json& node : content_of(block)) text += text_of(node);
    size_t start = 0;
    while (true) {
      size_t end = text.find('\n', start);
      if (start != 0) append_hard_break(content);
      append_text(content, std::string_view(text).substr(start, end - start), code);
      if (end == std::string::npos) break;
      start = end + 1;
    }
  } else if (is_inline_type(type)) {
    append_inline(content, block);
  } else if (type == "rule") {
    append_text(content, "---", {});
  } else {
    bool first = true;
    for (const json& child : content_of(block)) {
      std::string_view child_type = type_of(child);
      bool is_inline = is_inline_type(child_type);
      if (!is_inline && !first) append_hard_break(content);
      if (!is_inline) first = false;
      flatten_block(child, content);
    }
  }
}

json tidy_inline(const json& content) {
  return tidy_inline(json(content));
}

json tidy_inline(json&& content) {
  json out = merged(std::move(content));
  bool changed = false;
  for (std::string_view type : {"strong", "em", "strike", "underline"}) {
    bool present = std::any_of(out.begin(), out.end(), [&](const json& node) {
      return type_of(node) == "text" && has_mark(node, type);
    });
    if (!present) continue;
    out = unmark_run_edges(out, type);
    changed = true;
  }
  return changed ? merged(std::move(out)) : out;
}

}  // namespace epicsync::richtext::adf
