#pragma once
// A refusal the homeserver answers with: an HTTP status and the
// specification's error code. Thrown by the state's operations and turned
// into `{"errcode","error"}` by the client API; the public acting members let
// it escape as the std::runtime_error they document.
#include <stdexcept>
#include <string>

namespace warroom::matrix_sim {

class MatrixError : public std::runtime_error {
public:
    MatrixError(unsigned status, std::string errcode, const std::string& message)
        : std::runtime_error(errcode + ": " + message), status_(status), errcode_(std::move(errcode)),
          message_(message) {}

    unsigned status() const { return status_; }
    const std::string& errcode() const { return errcode_; }
    const std::string& message() const { return message_; }

private:
    unsigned status_;
    std::string errcode_;
    std::string message_;
};

inline MatrixError forbidden(const std::string& message) { return MatrixError(403, "M_FORBIDDEN", message); }
inline MatrixError not_found(const std::string& message) { return MatrixError(404, "M_NOT_FOUND", message); }
inline MatrixError bad_json(const std::string& message) { return MatrixError(400, "M_BAD_JSON", message); }
inline MatrixError invalid_param(const std::string& message) { return MatrixError(400, "M_INVALID_PARAM", message); }

}  // namespace warroom::matrix_sim
