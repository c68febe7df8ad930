#pragma once

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <string>

#include "config/config.h"

namespace epicsync::config::testing {

// A private cwd and home under a fresh temp directory, and a map for the environment, so no test
// sees the real ones.
class ConfigTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = (std::filesystem::temp_directory_path() / "config_test.XXXXXX").string();
    ASSERT_NE(mkdtemp(tmpl.data()), nullptr);
    root_ = tmpl;
    cwd_ = root_ / "work";
    home_ = root_ / "home";
    std::filesystem::create_directories(cwd_);
    std::filesystem::create_directories(home_);
  }

  void TearDown() override {
    std::error_code ec;
    std::filesystem::remove_all(root_, ec);
  }

  static void write(const std::filesystem::path& path, const std::string& text) {
    std::filesystem::create_directories(path.parent_path());
    std::ofstream(path, std::ios::binary) << text;
  }
  void write_cwd(const std::string& name, const std::string& text) { write(cwd_ / name, text); }
  void write_home_config(const std::string& text) {
    write(home_ / ".config/epicsync/config.yaml", text);
  }

  Environment env() const {
    Environment e;
    auto vars = vars_;
    e.get = [vars](const std::string& name) -> std::optional<std::string> {
      auto it = vars.find(name);
      if (it == vars.end()) return std::nullopt;
      return it->second;
    };
    e.cwd = cwd_.string();
    e.home = home_.string();
    return e;
  }

  Result<Config> load(const Overrides& o = {}) const { return load_config(o, env()); }

  // Loads and fails the test (with the message) if loading failed.
  Config load_ok(const Overrides& o = {}) const {
    auto r = load(o);
    EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message);
    return r.ok() ? *r : Config{};
  }

  std::filesystem::path root_, cwd_, home_;
  std::map<std::string, std::string> vars_;
};

}  // namespace epicsync::config::testing
