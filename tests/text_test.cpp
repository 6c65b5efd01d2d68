// Text helpers every message goes through: UTF-8 checks, limits, truncation, slugs.
#include <catch2/catch.hpp>

#include "bot/text.hpp"

using namespace warroom;

TEST_CASE("truncate_utf8 stays within its limit, ellipsis included, and never splits a character", "[text]") {
    CHECK(truncate_utf8("short", 10) == "short");
    CHECK(truncate_utf8("exactly10!", 10) == "exactly10!");
    CHECK(truncate_utf8("abcdefghijkl", 10) == "abcdefg…");
    CHECK(truncate_utf8("abcdefghijkl", 10).size() == 10);
    // "ü" is two bytes: a cut inside it moves back to the character's start.
    const std::string cut = truncate_utf8("aaaaaüüü", 9);
    CHECK(cut == "aaaaa…");
    CHECK(cut.size() <= 9);
    CHECK(is_valid_utf8(cut));
    CHECK(truncate_utf8("abcdef", 2) == "ab");   // no room for the ellipsis
}

TEST_CASE("user text is checked for encoding, emptiness and size", "[text]") {
    CHECK(check_user_text("fine", "the note").empty());
    CHECK_FALSE(check_user_text("", "the note").empty());
    CHECK_FALSE(check_user_text("bad \xff byte", "the note").empty());
    CHECK_FALSE(check_user_text(std::string(5000, 'x'), "the note").empty());
    CHECK(slugify("Payroll phishing: CEO fraud!", 40) == "payroll-phishing-ceo-fraud");
}
