#include "k8s/curl_transport.h"

#include <curl/curl.h>

#include <mutex>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"

namespace k8s {
namespace {

struct CallState {
  HttpResponse* resp;
  const std::function<bool(std::string_view)>* on_chunk = nullptr;
  const std::atomic<bool>* cancel = nullptr;
  bool stopped_by_callback = false;
};

size_t HeaderCb(char* data, size_t size, size_t n, void* user) {
  auto* st = static_cast<CallState*>(user);
  std::string_view line(data, size * n);
  if (absl::StartsWith(absl::string_view(line.data(), line.size()), "HTTP/")) {
    st->resp->headers.clear();  // a new response (after 100-continue / redirects)
  }
  size_t colon = line.find(':');
  if (colon != std::string_view::npos) {
    std::string name = absl::AsciiStrToLower(absl::string_view(line.data(), colon));
    std::string value(absl::StripAsciiWhitespace(absl::string_view(line.data() + colon + 1,
                                                                   line.size() - colon - 1)));
    st->resp->headers[name] = value;
  }
  return size * n;
}

size_t WriteCb(char* data, size_t size, size_t n, void* user) {
  auto* st = static_cast<CallState*>(user);
  size_t len = size * n;
  if (st->on_chunk && st->resp->status >= 200 && st->resp->status < 300) {
    if (!(*st->on_chunk)(std::string_view(data, len))) {
      st->stopped_by_callback = true;
      return 0;  // aborts the transfer
    }
    return len;
  }
  st->resp->body.append(data, len);
  return len;
}

int ProgressCb(void* user, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
  auto* st = static_cast<CallState*>(user);
  return st->cancel && st->cancel->load() ? 1 : 0;
}

class CurlTransport : public HttpTransport {
 public:
  CurlTransport(const RestConfig& c, Clock* clock) : config_(c), tokens_(c, clock) {}
  ~CurlTransport() override {
    for (CURL* h : pool_) curl_easy_cleanup(h);
  }

  absl::StatusOr<HttpResponse> Do(const HttpRequest& req) override {
    return Perform(req, nullptr);
  }
  absl::StatusOr<HttpResponse> Stream(
      const HttpRequest& req, const std::function<bool(std::string_view)>& on_chunk) override {
    return Perform(req, &on_chunk);
  }

 private:
  CURL* Acquire() {
    {
      absl::MutexLock l(&mu_);
      if (!pool_.empty()) {
        CURL* h = pool_.back();
        pool_.pop_back();
        return h;
      }
    }
    return curl_easy_init();
  }
  void Release(CURL* h) {
    curl_easy_reset(h);  // keeps the connection cache
    absl::MutexLock l(&mu_);
    if (pool_.size() < 16) {
      pool_.push_back(h);
    } else {
      curl_easy_cleanup(h);
    }
  }

  void SetTls(CURL* h) {
    if (config_.insecure_skip_tls_verify) {
      curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 0L);
      curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 0L);
    } else {
      curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 1L);
      curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 2L);
    }
    if (!config_.ca_data.empty()) {
      curl_blob b{const_cast<char*>(config_.ca_data.data()), config_.ca_data.size(),
                  CURL_BLOB_COPY};
      curl_easy_setopt(h, CURLOPT_CAINFO_BLOB, &b);
    } else if (!config_.ca_file.empty()) {
      curl_easy_setopt(h, CURLOPT_CAINFO, config_.ca_file.c_str());
    }
    if (!config_.cert_data.empty()) {
      curl_blob b{const_cast<char*>(config_.cert_data.data()), config_.cert_data.size(),
                  CURL_BLOB_COPY};
      curl_easy_setopt(h, CURLOPT_SSLCERT_BLOB, &b);
      curl_easy_setopt(h, CURLOPT_SSLCERTTYPE, "PEM");
    } else if (!config_.cert_file.empty()) {
      curl_easy_setopt(h, CURLOPT_SSLCERT, config_.cert_file.c_str());
    }
    if (!config_.key_data.empty()) {
      curl_blob b{const_cast<char*>(config_.key_data.data()), config_.key_data.size(),
                  CURL_BLOB_COPY};
      curl_easy_setopt(h, CURLOPT_SSLKEY_BLOB, &b);
      curl_easy_setopt(h, CURLOPT_SSLKEYTYPE, "PEM");
    } else if (!config_.key_file.empty()) {
      curl_easy_setopt(h, CURLOPT_SSLKEY, config_.key_file.c_str());
    }
  }

  absl::StatusOr<HttpResponse> Perform(const HttpRequest& req,
                                       const std::function<bool(std::string_view)>* on_chunk) {
    CURL* h = Acquire();
    if (!h) return absl::InternalError("curl_easy_init failed");
    HttpResponse resp;
    CallState st{&resp, on_chunk, req.cancel};
    std::string url = config_.server + req.path;
    curl_easy_setopt(h, CURLOPT_URL, url.c_str());
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(h, CURLOPT_HTTP_VERSION, static_cast<long>(CURL_HTTP_VERSION_2TLS));
    curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, 10000L);
    if (req.timeout > absl::ZeroDuration()) {
      curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, static_cast<long>(absl::ToInt64Milliseconds(req.timeout)));
    }
    SetTls(h);
    if (req.method == "GET") {
      curl_easy_setopt(h, CURLOPT_HTTPGET, 1L);
    } else {
      curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, req.method.c_str());
      curl_easy_setopt(h, CURLOPT_POSTFIELDS, req.body.c_str());
      curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(req.body.size()));
    }
    curl_slist* headers = nullptr;
    for (const auto& [k, v] : req.headers) {
      headers = curl_slist_append(headers, absl::StrCat(k, ": ", v).c_str());
    }
    headers = curl_slist_append(headers, "Expect:");
    std::string token = tokens_.Token();
    if (!token.empty()) {
      headers = curl_slist_append(headers, absl::StrCat("Authorization: Bearer ", token).c_str());
    }
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers);
    curl_easy_setopt(h, CURLOPT_HEADERDATA, &st);
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, &WriteCb);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, &st);
    if (req.cancel) {
      curl_easy_setopt(h, CURLOPT_NOPROGRESS, 0L);
      curl_easy_setopt(h, CURLOPT_XFERINFOFUNCTION, &ProgressCb);
      curl_easy_setopt(h, CURLOPT_XFERINFODATA, &st);
    }
    // The status is known once headers are in; WriteCb reads it from here.
    curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, +[](char* d, size_t s, size_t n, void* u) -> size_t {
      auto* cs = static_cast<CallState*>(u);
      std::string_view line(d, s * n);
      if (line.rfind("HTTP/", 0) == 0) {
        size_t sp = line.find(' ');
        if (sp != std::string_view::npos) cs->resp->status = std::atoi(std::string(line.substr(sp + 1, 3)).c_str());
      }
      return HeaderCb(d, s, n, u);
    });
    CURLcode rc = curl_easy_perform(h);
    curl_slist_free_all(headers);
    long code = 0;  // NOLINT(runtime/int)
    curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &code);
    Release(h);
    if (rc == CURLE_WRITE_ERROR && st.stopped_by_callback) {
      resp.status = static_cast<int>(code);
      return resp;
    }
    if (rc == CURLE_ABORTED_BY_CALLBACK) return absl::CancelledError("request cancelled");
    if (rc != CURLE_OK) {
      std::string msg = absl::StrCat(req.method, " ", url, ": ", curl_easy_strerror(rc));
      if (rc == CURLE_OPERATION_TIMEDOUT) {
        // A watch that ran to its timeout ended normally.
        if (on_chunk && code >= 200 && code < 300) {
          resp.status = static_cast<int>(code);
          return resp;
        }
        return absl::DeadlineExceededError(msg);
      }
      if (code == 401) tokens_.Invalidate();
      return absl::UnavailableError(msg);
    }
    resp.status = static_cast<int>(code);
    if (code == 401) tokens_.Invalidate();
    return resp;
  }

  const RestConfig config_;
  TokenSource tokens_;
  absl::Mutex mu_;
  std::vector<CURL*> pool_ ABSL_GUARDED_BY(mu_);
};

}  // namespace

absl::StatusOr<std::unique_ptr<HttpTransport>> NewCurlTransport(const RestConfig& config,
                                                                 Clock* clock) {
  if (!absl::StartsWith(config.server, "https://") && !absl::StartsWith(config.server, "http://")) {
    return absl::InvalidArgumentError("server URL must start with https:// or http://: " +
                                      config.server);
  }
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
  return std::unique_ptr<HttpTransport>(new CurlTransport(config, clock));
}

}  // namespace k8s
