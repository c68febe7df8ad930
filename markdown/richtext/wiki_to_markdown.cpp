#include "richtext/wiki_to_markdown.h"

#include "richtext/adf_to_markdown.h"
#include "richtext/wiki.h"

namespace epicsync::richtext {

std::string wiki_to_markdown(std::string_view wiki) {
  return adf_to_markdown(wiki_to_adf(wiki));
}

}  // namespace epicsync::richtext
