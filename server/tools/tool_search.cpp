// BM25 search over deferred tools; see tool_search.hpp.
#include "server/tools/tool_search.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <map>
#include <set>

namespace appserver::tool_search {

using Json = nlohmann::json;

namespace {

/// Lower-cased ASCII letter/digit runs of `text`; a trailing `s` of a word longer than three
/// letters is dropped (agents → agent) unless it ends in `ss`.
void add_words(std::string_view text, std::vector<std::string>& out) {
  std::string word;
  auto flush = [&] {
    if (word.size() > 3 && word.back() == 's' && word[word.size() - 2] != 's') word.pop_back();
    if (!word.empty()) out.push_back(word);
    word.clear();
  };
  for (const char c : text) {
    if (std::isalnum(static_cast<unsigned char>(c))) word += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    else flush();
  }
  flush();
}

/// The words a tool is found by: its name, description and parameter names.
std::vector<std::string> document_of(const Json& tool) {
  std::vector<std::string> words;
  add_words(tool.value("name", ""), words);
  add_words(tool.value("description", ""), words);
  const auto parameters = tool.find("parameters");
  if (parameters != tool.end() && parameters->is_object()) {
    const auto properties = parameters->find("properties");
    if (properties != parameters->end() && properties->is_object())
      for (const auto& [key, value] : properties->items()) add_words(key, words);
  }
  return words;
}

}  // namespace

Json tool_spec() {
  return {{"type", "tool_search"},
          {"execution", "client"},
          {"description",
           "# Tool discovery\n\nFinds tools that were not sent with this request (deferred tools) by a BM25 "
           "search over their names and descriptions; the tools it finds can be called from the next response "
           "on.\n\nSome tools are only available through this search: when you need a capability that none of "
           "your tools offers, search for it here with a few words that describe it."},
          {"parameters",
           {{"type", "object"},
            {"properties",
             {{"limit", {{"type", "number"}, {"description", "How many tools to return at most. Defaults to 8."}}},
              {"query", {{"type", "string"}, {"description", "Words describing the tools to find."}}}}},
            {"required", {"query"}},
            {"additionalProperties", false}}}};
}

std::string deferred_namespaces_text(const std::vector<Namespace>& namespaces) {
  std::string text = "<tools>\nDeferred tool namespaces:\n";
  for (const auto& ns : namespaces) text += "- " + ns.name + ": " + ns.description + "\n";
  return text + "</tools>";
}

Json search(const std::vector<Namespace>& namespaces, const Json& arguments) {
  Json found = Json::array();
  const auto query_it = arguments.is_object() ? arguments.find("query") : arguments.end();
  if (!arguments.is_object() || query_it == arguments.end() || !query_it->is_string()) return found;
  std::size_t limit = 8;
  if (const auto l = arguments.find("limit"); l != arguments.end() && l->is_number())
    limit = static_cast<std::size_t>(std::max(1.0, l->get<double>()));

  struct Doc {
    std::size_t ns;
    const Json* tool;
    std::map<std::string, int> counts;
    std::size_t length = 0;
    double score = 0;
  };
  std::vector<Doc> docs;
  for (std::size_t n = 0; n < namespaces.size(); ++n)
    for (const auto& tool : namespaces[n].tools) {
      Doc doc{n, &tool, {}, 0, 0};
      for (auto& word : document_of(tool)) {
        ++doc.counts[word];
        ++doc.length;
      }
      docs.push_back(std::move(doc));
    }
  if (docs.empty()) return found;
  double average = 0;
  for (const auto& d : docs) average += static_cast<double>(d.length);
  average /= static_cast<double>(docs.size());

  std::vector<std::string> query;
  add_words(query_it->get<std::string>(), query);
  const std::set<std::string> terms(query.begin(), query.end());
  constexpr double k1 = 1.2, b = 0.75;
  for (const auto& term : terms) {
    const auto with = static_cast<double>(std::count_if(docs.begin(), docs.end(),
                                                        [&](const Doc& d) { return d.counts.count(term) > 0; }));
    if (with == 0) continue;
    const double n = static_cast<double>(docs.size());
    const double idf = std::log((n - with + 0.5) / (with + 0.5) + 1.0);
    for (auto& d : docs) {
      const auto it = d.counts.find(term);
      if (it == d.counts.end()) continue;
      const double tf = it->second;
      d.score += idf * tf * (k1 + 1) / (tf + k1 * (1 - b + b * static_cast<double>(d.length) / average));
    }
  }
  std::vector<const Doc*> ranked;
  for (const auto& d : docs)
    if (d.score > 0) ranked.push_back(&d);
  std::stable_sort(ranked.begin(), ranked.end(), [](const Doc* l, const Doc* r) { return l->score > r->score; });
  if (ranked.size() > limit) ranked.resize(limit);

  std::vector<std::size_t> order;  // namespaces by their best tool's rank
  std::map<std::size_t, Json> tools_of;
  for (const Doc* d : ranked) {
    if (!tools_of.count(d->ns)) order.push_back(d->ns);
    tools_of[d->ns].push_back(*d->tool);
  }
  for (const auto n : order)
    found.push_back({{"type", "namespace"}, {"name", namespaces[n].name}, {"description", namespaces[n].description},
                     {"tools", tools_of[n]}});
  return found;
}

}  // namespace appserver::tool_search
