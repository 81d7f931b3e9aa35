// fuzzyFileSearch: handed to FileSearch (server/file_search/), which answers from its worker.
#include "server/handlers/handlers.hpp"

#include "server/file_search/file_search.hpp"

namespace appserver {

void Handlers::on_fuzzy_file_search(const ConnectionPtr&, protocol::v2::FuzzyFileSearchParams params,
                                    Reply<protocol::v2::FuzzyFileSearchResponse> reply) {
  ctx_.file_search->search(std::move(params), reply);
}

}  // namespace appserver
