#include "description.h"

namespace epicsync::markdown {

std::string compose_description(const model::Story& story) {
  std::string out = story.description;
  for (const auto& part : story.description_parts) {
    if (part.section.markdown.empty()) continue;
    std::string heading;
    switch (part.kind) {
      case model::SectionKind::kAcceptanceCriteria:
        heading = "Acceptance Criteria";
        break;
      case model::SectionKind::kTechnicalNotes:
        heading = "Technical Notes";
        break;
      default:
        heading = part.section.heading;
        break;
    }
    if (!out.empty()) out += "\n\n";
    out += "### " + heading + "\n\n" + part.section.markdown;
  }
  return out;
}

}  // namespace epicsync::markdown
