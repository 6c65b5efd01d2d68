#pragma once
// Arguments of a Web API call as Slack reads them: query parameters and
// application/x-www-form-urlencoded bodies decode to string fields.
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace warroom::slack_sim {

// "a=1&b=x%20y+z" -> {"a":"1","b":"x y z"}; a repeated key keeps its last value.
nlohmann::json parse_form(std::string_view encoded);

std::string base64_encode(std::string_view data);
std::string base64_decode(std::string_view encoded);   // "" when not base64

}  // namespace warroom::slack_sim
