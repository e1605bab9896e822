package receipt

import (
	"bytes"
	"context"
	"fmt"
	"io"

	"abha-deactivate/storage/atomicfile"
)

// Save writes d's receipt to path atomically (storage/atomicfile): the PDF
// is made in memory, then replaces path all at once, readable by others
// (0644) like any document the user saves. On failure nothing is left
// behind, and a file already at path is untouched. ctx is checked before
// the file is written.
func (m *Maker) Save(ctx context.Context, path string, d Data) error {
	var buf bytes.Buffer
	if err := m.Write(&buf, d); err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("receipt: save %s: %w", path, err)
	}
	err := atomicfile.WriteWith(path, 0o644, func(w io.Writer) error {
		_, err := w.Write(buf.Bytes())
		return err
	})
	if err != nil {
		return fmt.Errorf("receipt: save %s: %w", path, err)
	}
	return nil
}
