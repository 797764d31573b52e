#ifndef NEWS_SERVER_DB_TEXT_ARRAY_H_
#define NEWS_SERVER_DB_TEXT_ARRAY_H_

// Conversions between PostgreSQL text[] values and std::vector<std::string>, which libpqxx 6.4
// does not provide.

#include <pqxx/pqxx>
#include <string>
#include <vector>

namespace news::db {

// The elements of a one-dimensional text[] field; NULL elements are skipped.
std::vector<std::string> ParseTextArray(const pqxx::field& field);

// A text[] literal ('{"a","b"}') for use as a statement parameter cast to text[].
std::string ToTextArrayLiteral(const std::vector<std::string>& values);

}  // namespace news::db

#endif  // NEWS_SERVER_DB_TEXT_ARRAY_H_
