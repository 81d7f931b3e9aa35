// The known-safe and might-be-dangerous classification; see command_safety.hpp.
#include "server/approvals/command_safety.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <string_view>

namespace appserver::approvals {
namespace {

// Characters a bare word may hold: nothing the shell expands or treats as syntax.
bool plain_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || std::string_view("-_./,:=+@%^").find(c) != std::string_view::npos;
}

bool blank(char c) { return c == ' ' || c == '\t'; }

std::string program_name(const std::string& word) {
  const auto slash = word.rfind('/');
  return slash == std::string::npos ? word : word.substr(slash + 1);
}

bool contains(const auto& list, std::string_view s) { return std::find(list.begin(), list.end(), s) != list.end(); }

bool starts_with(std::string_view s, std::string_view prefix) { return s.substr(0, prefix.size()) == prefix; }

bool all_digits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)); });
}

// `N p` or `N,M p`: the only sed program taken as read-only.
bool sed_print_range(std::string_view arg) {
  if (arg.empty() || arg.back() != 'p') return false;
  arg.remove_suffix(1);
  const auto comma = arg.find(',');
  if (comma == std::string_view::npos) return all_digits(arg);
  return all_digits(arg.substr(0, comma)) && all_digits(arg.substr(comma + 1));
}

// Shell reserved words: a command starting with one is not a simple command.
bool reserved_word(std::string_view w) {
  static constexpr std::array<std::string_view, 19> kReserved = {"if",   "then",  "else", "elif",     "fi",   "do",  "done",
                                                                 "case", "esac",  "while", "until",   "for",  "in",  "select",
                                                                 "time", "function", "!",  "[[",      "]]"};
  return contains(kReserved, w);
}

// NAME=value, a variable assignment before the program.
bool assignment(std::string_view w) {
  const auto eq = w.find('=');
  if (eq == 0 || eq == std::string_view::npos) return false;
  return std::all_of(w.begin(), w.begin() + static_cast<std::ptrdiff_t>(eq),
                     [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }) &&
         !std::isdigit(static_cast<unsigned char>(w[0]));
}

bool forced_rm(const Words& command, std::size_t from) {
  if (from >= command.size()) return false;
  if (reserved_word(command[from]) || assignment(command[from])) return forced_rm(command, from + 1);
  const std::string name = program_name(command[from]);
  if (name == "sudo") return forced_rm(command, from + 1);
  if (name != "rm") return false;
  for (std::size_t i = from + 1; i < command.size() && command[i] != "--"; ++i) {
    const std::string& a = command[i];
    if (a == "--force") return true;
    if (a.size() > 1 && a[0] == '-' && a[1] != '-' && a.find('f') != std::string::npos) return true;
  }
  return false;
}

// Splits at every blank and shell operator character outside single quotes (double quotes do
// not protect: `"$(rm -rf x)"` runs its rm); quotes are dropped. Never fails: for catching
// `rm -f` inside scripts plain_commands refuses, erring towards "dangerous".
std::vector<Words> lenient_commands(const std::string& script) {
  std::vector<Words> commands(1);
  std::string word;
  bool in_word = false;
  auto end_word = [&] {
    if (in_word) commands.back().push_back(word);
    word.clear();
    in_word = false;
  };
  for (std::size_t i = 0; i < script.size(); ++i) {
    const char c = script[i];
    if (c == '\'') {
      const auto close = script.find(c, i + 1);
      word += script.substr(i + 1, close == std::string::npos ? std::string::npos : close - i - 1);
      in_word = true;
      if (close == std::string::npos) break;
      i = close;
    } else if (blank(c)) {
      end_word();
    } else if (c == '"') {
      in_word = true;  // `""` is an empty word
    } else if (std::string_view(";&|()<>\n`{}$").find(c) != std::string_view::npos) {
      end_word();
      if (!commands.back().empty()) commands.emplace_back();
    } else {
      word += c;
      in_word = true;
    }
  }
  end_word();
  return commands;
}

}  // namespace

std::optional<std::vector<Words>> plain_commands(const std::string& script) {
  std::vector<Words> commands(1);
  std::string word;
  bool in_word = false;
  const auto end_word = [&] {
    if (in_word) commands.back().push_back(word);
    word.clear();
    in_word = false;
  };
  const auto end_command = [&] {
    end_word();
    if (commands.back().empty()) return false;  // `&& ls`, `ls ;; pwd`
    commands.emplace_back();
    return true;
  };
  for (std::size_t i = 0; i < script.size(); ++i) {
    const char c = script[i];
    if (plain_char(c)) {
      word += c;
      in_word = true;
    } else if (c == '\'') {
      const auto close = script.find('\'', i + 1);
      if (close == std::string::npos) return std::nullopt;
      word += script.substr(i + 1, close - i - 1);
      in_word = true;
      i = close;
    } else if (c == '"') {
      const auto close = script.find('"', i + 1);
      if (close == std::string::npos) return std::nullopt;
      const std::string inside = script.substr(i + 1, close - i - 1);
      if (inside.find_first_of("$`\\!") != std::string::npos) return std::nullopt;  // expansions
      word += inside;
      in_word = true;
      i = close;
    } else if (blank(c)) {
      end_word();
    } else if (c == '\n' || c == ';') {
      end_word();
      if (commands.back().empty()) {
        if (c == ';') return std::nullopt;
        continue;  // blank lines
      }
      commands.emplace_back();
    } else if ((c == '&' || c == '|') && i + 1 < script.size() && script[i + 1] == c) {
      if (!end_command()) return std::nullopt;
      ++i;
    } else if (c == '|') {
      if (!end_command()) return std::nullopt;
    } else {
      return std::nullopt;  // $ ` \ * ? [ ~ < > ( ) { } & ! # and the rest
    }
  }
  end_word();
  if (commands.back().empty()) {
    // A trailing `;` or newline ends the script; a trailing `&&`, `||` or `|` leaves it open.
    std::string_view rest(script);
    while (!rest.empty() && (blank(rest.back()) || rest.back() == '\n')) rest.remove_suffix(1);
    if (rest.empty() || rest.back() == '&' || rest.back() == '|') return std::nullopt;
    commands.pop_back();
  }
  if (commands.empty()) return std::nullopt;
  for (const auto& c : commands)
    if (reserved_word(c.front())) return std::nullopt;  // `if …; then …; fi` and friends
  return commands;
}

bool is_safe_words(const Words& command) {
  if (command.empty()) return false;
  static constexpr std::array<std::string_view, 26> kReadOnly = {
      "cat", "cd",  "cut", "echo", "expr", "false", "grep", "head",  "id",  "ls",     "nl",     "paste",  "pwd",
      "rev", "seq", "stat", "tail", "tr",  "true",  "uname", "uniq", "wc", "which", "whoami", "numfmt", "tac"};
  const std::string name = program_name(command[0]);
  if (contains(kReadOnly, name)) return true;
  const auto args = std::vector<std::string>(command.begin() + 1, command.end());
  if (name == "base64") {
    return std::none_of(args.begin(), args.end(), [](const std::string& a) {
      return a == "-o" || a == "--output" || starts_with(a, "--output=") || (starts_with(a, "-o") && a != "-o");
    });
  }
  if (name == "find") {
    static constexpr std::array<std::string_view, 9> kUnsafe = {"-exec", "-execdir", "-ok",      "-okdir",  "-delete",
                                                                "-fls",  "-fprint",  "-fprint0", "-fprintf"};
    return std::none_of(args.begin(), args.end(), [](const std::string& a) { return contains(kUnsafe, a); });
  }
  if (name == "rg") {
    return std::none_of(args.begin(), args.end(), [](const std::string& a) {
      return a == "--search-zip" || a == "-z" || a == "--pre" || starts_with(a, "--pre=") || a == "--hostname-bin" ||
             starts_with(a, "--hostname-bin=");
    });
  }
  if (name == "sed") return command.size() <= 4 && command.size() >= 3 && command[1] == "-n" && sed_print_range(command[2]);
  return false;
}

bool is_known_safe_command(const std::string& script) {
  const auto commands = plain_commands(script);
  return commands && std::all_of(commands->begin(), commands->end(), is_safe_words);
}

bool might_be_dangerous(const std::string& script) {
  const auto commands = plain_commands(script);
  const auto all = commands ? *commands : lenient_commands(script);
  return std::any_of(all.begin(), all.end(), [](const Words& w) { return forced_rm(w, 0); });
}

}  // namespace appserver::approvals
