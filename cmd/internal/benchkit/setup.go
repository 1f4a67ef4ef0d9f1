package benchkit

import (
	"io"
	"os"
)

// Setup is what every bench command does first: raise the open-files
// limit, write results to stdout (and to out, if set), and use dir as the
// scratch directory or make a temporary one. cleanup closes the output
// file and removes a temporary directory.
func Setup(tool, out, dir string) (w io.Writer, scratch string, cleanup func(), err error) {
	RaiseFDLimit()
	var closers []func()
	cleanup = func() {
		for i := len(closers) - 1; i >= 0; i-- {
			closers[i]()
		}
	}
	w = os.Stdout
	if out != "" {
		f, err := os.Create(out)
		if err != nil {
			return nil, "", cleanup, err
		}
		closers = append(closers, func() { f.Close() })
		w = io.MultiWriter(os.Stdout, f)
	}
	if dir == "" {
		d, err := os.MkdirTemp("", tool+"-")
		if err != nil {
			cleanup()
			return nil, "", func() {}, err
		}
		closers = append(closers, func() { os.RemoveAll(d) })
		dir = d
	}
	return w, dir, cleanup, nil
}
