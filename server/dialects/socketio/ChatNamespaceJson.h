#pragma once

#include "Message.h"

#include <QJsonObject>

namespace switchboard {

// Payload shapes of seed 002 (namespace "/chat").
namespace ChatNamespaceJson {

// newMessage: {id, content, sender, roomId, timestamp, replyToId?, attachment?, metadata?}.
// Optional fields are left out rather than sent as null, as in the seed.
QJsonObject message(const Message &m);

// The seed's attachment {url, type, name} travels in our Attachment as
// url / mimeType / originalName.
QJsonObject attachment(const Attachment &a);
Attachment attachmentFromJson(const QJsonObject &o);

// messageSent receipt: {id, timestamp, status:"sent", roomId}.
QJsonObject receipt(const Message &m);

} // namespace ChatNamespaceJson

} // namespace switchboard
