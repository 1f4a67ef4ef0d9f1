package config

// Validate checks config files and directories the way the agent would
// load them (directories: their *.json and *.hcl files in lexical order),
// without flags, -dev or anything started: for `consuld validate
// DIR|FILE...`. See [ValidateFiles].
func Validate(paths ...string) error {
	_, err := ValidateFiles("", paths...)
	return err
}

// ValidateFiles is [Validate] with the warnings, and a format ("json" or
// "hcl", as -config-format; "" picks it by extension). Every rule of [Load]
// applies except that data_dir need not be set and no node name is
// derived, as the files may hold only part of an agent's configuration
// (service definitions, say).
func ValidateFiles(format string, paths ...string) ([]string, error) {
	format, err := checkFormat(format)
	if err != nil {
		return nil, err
	}
	if len(paths) == 0 {
		return nil, &Error{Detail: "no config file or directory to validate", Err: ErrRead}
	}
	l := &loader{cfg: defaults(), warned: map[string]bool{}}
	for _, p := range paths {
		if err := l.loadPath(p, format); err != nil {
			return nil, err
		}
	}
	warns, err := validate(l.cfg, false)
	if err != nil {
		return nil, err
	}
	return append(l.warnings, warns...), nil
}
