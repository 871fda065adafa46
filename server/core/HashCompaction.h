#pragma once

namespace switchboard {

// Qt's hashes keep their storage when entries go. After a mass disconnect the
// tables sized for the crowd would hold megabytes of empty slots, pinning the
// heap pages around them (the RSS never came back): shrink a table once it is
// mostly empty. Cheap to call: it only rehashes what it shrinks.
template <typename Hash>
void squeezeIfSparse(Hash &hash)
{
    if (hash.capacity() > 256 && hash.size() < hash.capacity() / 4) hash.squeeze();
}

} // namespace switchboard
