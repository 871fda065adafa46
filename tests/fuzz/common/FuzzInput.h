#pragma once

#include <QByteArray>

#include <cstddef>
#include <cstdint>

namespace switchboard {

// Reads fuzzer-chosen control bytes off the front of an input; the rest is the
// data under test. Past the end every read gives 0, so any input is usable.
class FuzzInput
{
public:
    FuzzInput(const uint8_t *data, size_t size) : m_data(data), m_size(size) {}

    uint8_t takeByte() { return m_pos < m_size ? m_data[m_pos++] : 0; }
    uint16_t takeUint16()
    {
        const uint16_t hi = takeByte();
        return uint16_t(hi << 8 | takeByte());
    }
    // Everything not taken yet.
    QByteArray rest() const
    {
        return QByteArray(reinterpret_cast<const char *>(m_data + m_pos), qsizetype(m_size - m_pos));
    }

private:
    const uint8_t *m_data;
    size_t m_size;
    size_t m_pos = 0;
};

} // namespace switchboard
