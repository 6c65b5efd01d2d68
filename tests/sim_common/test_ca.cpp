#include "sim_common/test_ca.hpp"

#include <memory>
#include <stdexcept>

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

namespace warroom::sim_common {
namespace {

struct PkeyFree {
    void operator()(EVP_PKEY* key) const { EVP_PKEY_free(key); }
};
struct X509Free {
    void operator()(X509* certificate) const { X509_free(certificate); }
};
struct BioFree {
    void operator()(BIO* bio) const { BIO_free(bio); }
};
struct ExtensionFree {
    void operator()(X509_EXTENSION* extension) const { X509_EXTENSION_free(extension); }
};
using PkeyPtr = std::unique_ptr<EVP_PKEY, PkeyFree>;
using X509Ptr = std::unique_ptr<X509, X509Free>;
using BioPtr = std::unique_ptr<BIO, BioFree>;
using ExtensionPtr = std::unique_ptr<X509_EXTENSION, ExtensionFree>;

[[noreturn]] void fail(const std::string& step) {
    char reason[256] = "no OpenSSL error queued";
    if (unsigned long code = ERR_get_error(); code != 0) ERR_error_string_n(code, reason, sizeof reason);
    ERR_clear_error();
    throw std::runtime_error("slack simulator: generating the test certificates failed at " + step + ": " + reason);
}

void check(int openssl_result, const std::string& step) {
    if (openssl_result <= 0) fail(step);
}

PkeyPtr generate_key() {
    PkeyPtr key{EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256")};
    if (!key) fail("EVP_PKEY_Q_keygen(EC P-256)");
    return key;
}

void set_common_name(X509_NAME* name, const char* common_name) {
    check(X509_NAME_add_entry_by_txt(name, "O", MBSTRING_ASC, reinterpret_cast<const unsigned char*>("warroom tests"),
                                     -1, -1, 0),
          "X509_NAME_add_entry_by_txt(O)");
    check(X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, reinterpret_cast<const unsigned char*>(common_name), -1,
                                     -1, 0),
          "X509_NAME_add_entry_by_txt(CN)");
}

// `issuer` is null for the self-signed CA; the context then takes the subject itself as issuer.
void add_extension(X509* certificate, X509* issuer, int nid, const char* value) {
    X509V3_CTX context;
    X509V3_set_ctx_nodb(&context);
    X509V3_set_ctx(&context, issuer ? issuer : certificate, certificate, nullptr, nullptr, 0);
    ExtensionPtr extension{X509V3_EXT_conf_nid(nullptr, &context, nid, value)};
    if (!extension) fail(std::string("X509V3_EXT_conf_nid(") + OBJ_nid2sn(nid) + "=" + value + ")");
    check(X509_add_ext(certificate, extension.get(), -1), "X509_add_ext");
}

X509Ptr new_certificate(EVP_PKEY* subject_key, long serial, const char* common_name) {
    X509Ptr certificate{X509_new()};
    if (!certificate) fail("X509_new");
    check(X509_set_version(certificate.get(), X509_VERSION_3), "X509_set_version");
    check(ASN1_INTEGER_set(X509_get_serialNumber(certificate.get()), serial), "ASN1_INTEGER_set(serial)");
    // Valid from an hour ago, so a client clock slightly behind ours still accepts it.
    if (!X509_gmtime_adj(X509_getm_notBefore(certificate.get()), -60L * 60)) fail("X509_gmtime_adj(notBefore)");
    if (!X509_gmtime_adj(X509_getm_notAfter(certificate.get()), 2L * 24 * 60 * 60)) fail("X509_gmtime_adj(notAfter)");
    check(X509_set_pubkey(certificate.get(), subject_key), "X509_set_pubkey");
    set_common_name(X509_get_subject_name(certificate.get()), common_name);
    return certificate;
}

std::string to_pem(X509* certificate) {
    BioPtr bio{BIO_new(BIO_s_mem())};
    if (!bio) fail("BIO_new");
    check(PEM_write_bio_X509(bio.get(), certificate), "PEM_write_bio_X509");
    char* data = nullptr;
    long length = BIO_get_mem_data(bio.get(), &data);
    return std::string(data, static_cast<std::size_t>(length));
}

std::string to_pem(EVP_PKEY* key) {
    BioPtr bio{BIO_new(BIO_s_mem())};
    if (!bio) fail("BIO_new");
    check(PEM_write_bio_PrivateKey(bio.get(), key, nullptr, nullptr, 0, nullptr, nullptr), "PEM_write_bio_PrivateKey");
    char* data = nullptr;
    long length = BIO_get_mem_data(bio.get(), &data);
    return std::string(data, static_cast<std::size_t>(length));
}

}  // namespace

TestCertificates generate_test_certificates(const std::string& server_names) {
    PkeyPtr ca_key = generate_key();
    X509Ptr ca = new_certificate(ca_key.get(), 1, "warroom test CA");
    check(X509_set_issuer_name(ca.get(), X509_get_subject_name(ca.get())), "X509_set_issuer_name(CA)");
    add_extension(ca.get(), nullptr, NID_basic_constraints, "critical,CA:TRUE");
    add_extension(ca.get(), nullptr, NID_key_usage, "critical,keyCertSign,cRLSign");
    add_extension(ca.get(), nullptr, NID_subject_key_identifier, "hash");
    check(X509_sign(ca.get(), ca_key.get(), EVP_sha256()), "X509_sign(CA)");

    PkeyPtr server_key = generate_key();
    X509Ptr server = new_certificate(server_key.get(), 2, "localhost");
    check(X509_set_issuer_name(server.get(), X509_get_subject_name(ca.get())), "X509_set_issuer_name(server)");
    add_extension(server.get(), ca.get(), NID_basic_constraints, "critical,CA:FALSE");
    add_extension(server.get(), ca.get(), NID_key_usage, "critical,digitalSignature,keyEncipherment");
    add_extension(server.get(), ca.get(), NID_ext_key_usage, "serverAuth");
    add_extension(server.get(), ca.get(), NID_subject_alt_name, server_names.c_str());
    add_extension(server.get(), ca.get(), NID_subject_key_identifier, "hash");
    add_extension(server.get(), ca.get(), NID_authority_key_identifier, "keyid:always");
    check(X509_sign(server.get(), ca_key.get(), EVP_sha256()), "X509_sign(server)");

    return {to_pem(ca.get()), to_pem(server.get()), to_pem(server_key.get())};
}

}  // namespace warroom::sim_common
