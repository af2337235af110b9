#pragma once

#include <string>

class QJsonValue;

namespace attnscope {

/** "null", "a boolean", "a number", "a string", "an array", "an object" or "nothing" (missing). */
std::string jsonTypeName(const QJsonValue& value);

/**
 * Like jsonTypeName, but booleans and numbers are shown as themselves ("true", "2.5"), for
 * messages about a value of the right kind but out of range.
 */
std::string jsonValueDescription(const QJsonValue& value);

} // namespace attnscope
