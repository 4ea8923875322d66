// The project's exception hierarchy. The CLI maps each to an exit code:
//   InputError -> 2 (bad usage, invalid scenario or catalog: the user can fix the input)
//   ModelError -> 1 (the simulation or a model reached an impossible state)
#pragma once

#include <stdexcept>
#include <string>

namespace factorysim {

class Error : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// Something the user supplied is wrong. Messages say where and what was expected.
class UsageError : public Error {
public:
    using Error::Error;
};

// A model or the engine was driven into a state it cannot handle (e.g. an event
// scheduled in the past). Indicates a bug in a model, not in the user's input.
class ModelError : public Error {
public:
    using Error::Error;
};

}  // namespace factorysim
