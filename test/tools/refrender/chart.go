package main

// Chart loading as Helm does it: Chart.yaml, values.yaml, templates/, the other files, dependencies from charts/
// (folders and .tgz) or a same-name folder named in the job, enabled by their conditions and tags; values
// coalesced as chartutil.CoalesceValues does; templates parsed deepest path first and rendered one by one.

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"text/template"

	"sigs.k8s.io/yaml"
)

type chart struct {
	meta      map[string]any
	values    map[string]any
	templates map[string]string // "templates/x.yaml" → text
	files     Files
	deps      []*chart
	name      string // the name it is known by (alias)
}

type chartMeta struct {
	Name, Home, Version, Description, Icon, APIVersion, Condition, Tags, AppVersion, KubeVersion, Type string
	Sources, Keywords                                                                             []string
	Maintainers, Dependencies                                                                     []any
	Annotations                                                                                   map[string]string
	Deprecated, IsRoot                                                                            bool
}

func loadFiles(files map[string][]byte, depDirs map[string]string) (*chart, error) {
	c := &chart{templates: map[string]string{}, files: Files{}, values: map[string]any{}}
	raw, ok := files["Chart.yaml"]
	if !ok {
		return nil, fmt.Errorf("Chart.yaml file is missing")
	}
	if err := yaml.Unmarshal(raw, &c.meta); err != nil {
		return nil, err
	}
	c.name, _ = c.meta["name"].(string)
	if v, ok := files["values.yaml"]; ok {
		if err := yaml.Unmarshal(v, &c.values); err != nil {
			return nil, err
		}
		if c.values == nil {
			c.values = map[string]any{}
		}
	}
	sub := map[string]map[string][]byte{}
	var names []string
	for name, data := range files {
		switch {
		case name == "Chart.yaml" || name == "values.yaml" || name == "values.schema.json" || name == "Chart.lock":
		case strings.HasPrefix(name, "templates/"):
			c.templates[name] = string(data)
		case strings.HasPrefix(name, "charts/"):
			rest := strings.TrimPrefix(name, "charts/")
			if strings.HasSuffix(rest, ".tgz") && !strings.Contains(rest, "/") {
				fs, err := untar(data)
				if err != nil {
					return nil, err
				}
				for n, d := range fs {
					key := "tgz:" + rest
					if sub[key] == nil {
						sub[key] = map[string][]byte{}
						names = append(names, key)
					}
					sub[key][n] = d
				}
			} else if i := strings.Index(rest, "/"); i > 0 {
				key := rest[:i]
				if sub[key] == nil {
					sub[key] = map[string][]byte{}
					names = append(names, key)
				}
				sub[key][rest[i+1:]] = data
			}
		default:
			c.files[name] = data
		}
	}
	sort.Strings(names)
	have := map[string]bool{}
	for _, n := range names {
		d, err := loadFiles(sub[n], depDirs)
		if err != nil {
			return nil, err
		}
		c.deps = append(c.deps, d)
		have[d.name] = true
	}
	// dependencies named in Chart.yaml but not in charts/: a same-name folder given by the job
	deps, _ := c.meta["dependencies"].([]any)
	for _, dv := range deps {
		dm, _ := dv.(map[string]any)
		n, _ := dm["name"].(string)
		if have[n] {
			continue
		}
		dir, ok := depDirs[n]
		if !ok {
			return nil, fmt.Errorf("found in Chart.yaml, but missing in charts/ directory: %s", n)
		}
		fs, err := readDir(dir)
		if err != nil {
			return nil, err
		}
		d, err := loadFiles(fs, depDirs)
		if err != nil {
			return nil, err
		}
		c.deps = append(c.deps, d)
		have[n] = true
	}
	return c, nil
}

func untar(data []byte) (map[string][]byte, error) {
	gz, err := gzip.NewReader(bytes.NewReader(data))
	if err != nil {
		return nil, err
	}
	tr := tar.NewReader(gz)
	out := map[string][]byte{}
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
		if h.Typeflag != tar.TypeReg && h.Typeflag != tar.TypeRegA {
			continue
		}
		parts := strings.SplitN(h.Name, "/", 2)
		if len(parts) < 2 {
			continue
		}
		b, _ := io.ReadAll(tr)
		out[parts[1]] = b
	}
	return out, nil
}

func readDir(dir string) (map[string][]byte, error) {
	out := map[string][]byte{}
	err := filepath.Walk(dir, func(p string, info os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		if info.IsDir() {
			return nil
		}
		rel, _ := filepath.Rel(dir, p)
		b, err := os.ReadFile(p)
		out[filepath.ToSlash(rel)] = b
		return err
	})
	return out, err
}

// ---------------------------------------------------------------------------------- values

func istable(v any) bool { _, ok := v.(map[string]any); return ok }

func copyMap(m map[string]any) map[string]any {
	out := map[string]any{}
	for k, v := range m {
		out[k] = v
	}
	return out
}

func deepCopy(v any) any {
	switch x := v.(type) {
	case map[string]any:
		out := map[string]any{}
		for k, e := range x {
			out[k] = deepCopy(e)
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = deepCopy(e)
		}
		return out
	}
	return v
}

func coalesce(c *chart, dest map[string]any) map[string]any {
	coalesceValues(c, dest)
	for _, sub := range c.deps {
		if _, ok := dest[sub.name]; !ok {
			dest[sub.name] = map[string]any{}
		}
		dv, ok := dest[sub.name].(map[string]any)
		if !ok {
			continue
		}
		coalesceGlobals(dv, dest)
		dest[sub.name] = coalesce(sub, dv)
	}
	return dest
}

func coalesceValues(c *chart, v map[string]any) {
	for key, val := range deepCopy(c.values).(map[string]any) {
		if value, ok := v[key]; ok {
			if value == nil {
				delete(v, key)
			} else if dest, ok := value.(map[string]any); ok {
				if src, ok := val.(map[string]any); ok {
					coalesceTables(dest, src, false)
				}
			}
		} else {
			v[key] = val
		}
	}
}

func coalesceTables(dst, src map[string]any, merge bool) map[string]any {
	for key, val := range src {
		if dv, ok := dst[key]; ok && !merge && dv == nil {
			delete(dst, key)
		} else if !ok {
			dst[key] = val
		} else if istable(val) && istable(dv) {
			coalesceTables(dv.(map[string]any), val.(map[string]any), merge)
		}
	}
	return dst
}

func coalesceGlobals(dest, src map[string]any) {
	var dg, sg map[string]any
	if g, ok := dest["global"]; !ok {
		dg = map[string]any{}
	} else if dg, ok = g.(map[string]any); !ok {
		return
	}
	if g, ok := src["global"]; !ok {
		sg = map[string]any{}
	} else if sg, ok = g.(map[string]any); !ok {
		return
	}
	for key, val := range sg {
		if istable(val) {
			vv := copyMap(val.(map[string]any))
			if destv, ok := dg[key]; !ok {
				dg[key] = vv
			} else if destvmap, ok := destv.(map[string]any); ok {
				coalesceTables(vv, destvmap, true)
				dg[key] = vv
			}
		} else if dv, ok := dg[key]; ok && istable(dv) {
		} else {
			dg[key] = val
		}
	}
	dest["global"] = dg
}

func mergeMaps(a, b map[string]any) map[string]any {
	out := copyMap(a)
	for k, v := range b {
		if vm, ok := v.(map[string]any); ok {
			if bv, ok := out[k]; ok {
				if bvm, ok := bv.(map[string]any); ok {
					out[k] = mergeMaps(bvm, vm)
					continue
				}
			}
		}
		out[k] = v
	}
	return out
}

// pathValue reads a dotted path of tables.
func pathValue(vals map[string]any, p string) (any, bool) {
	parts := strings.Split(p, ".")
	var cur any = vals
	for _, k := range parts {
		m, ok := cur.(map[string]any)
		if !ok {
			return nil, false
		}
		cur, ok = m[k]
		if !ok {
			return nil, false
		}
	}
	return cur, true
}

// enableDeps drops the dependencies whose condition (or tags) are false, as Helm's ProcessDependencies does.
func enableDeps(c *chart, vals map[string]any) {
	deps, _ := c.meta["dependencies"].([]any)
	kept := []*chart{}
	for _, d := range c.deps {
		enabled := true
		for _, dv := range deps {
			dm, _ := dv.(map[string]any)
			if n, _ := dm["name"].(string); n != d.name {
				continue
			}
			if a, ok := dm["alias"].(string); ok && a != "" {
				d.name = a
			}
			tagsOn := true
			if tags, ok := dm["tags"].([]any); ok && len(tags) > 0 {
				tagsOn = false
				found := false
				for _, t := range tags {
					if b, ok := pathValue(vals, "tags."+fmt.Sprint(t)); ok {
						if bb, ok := b.(bool); ok {
							found = true
							tagsOn = tagsOn || bb
						}
					}
				}
				if !found {
					tagsOn = true
				}
			}
			enabled = tagsOn
			if cond, ok := dm["condition"].(string); ok && cond != "" {
				for _, p := range strings.Split(cond, ",") {
					if b, ok := pathValue(vals, strings.TrimSpace(p)); ok {
						if bb, ok := b.(bool); ok {
							enabled = bb
							break
						}
					}
				}
			}
		}
		if enabled {
			kept = append(kept, d)
		}
	}
	c.deps = kept
}

// ---------------------------------------------------------------------------------- rendering

type renderable struct {
	text, basePath string
	vals           map[string]any
}

func metaOf(c *chart, root bool) chartMeta {
	m := chartMeta{IsRoot: root}
	str := func(k string) string { s, _ := c.meta[k].(string); return s }
	m.Name, m.Home, m.Version, m.Description, m.Icon = str("name"), str("home"), str("version"), str("description"), str("icon")
	m.APIVersion, m.Condition, m.Tags, m.AppVersion, m.KubeVersion, m.Type = str("apiVersion"), str("condition"), str("tags"), str("appVersion"), str("kubeVersion"), str("type")
	strs := func(k string) []string {
		l, _ := c.meta[k].([]any)
		var out []string
		for _, x := range l {
			out = append(out, fmt.Sprint(x))
		}
		return out
	}
	m.Sources, m.Keywords = strs("sources"), strs("keywords")
	m.Maintainers, _ = c.meta["maintainers"].([]any)
	m.Dependencies, _ = c.meta["dependencies"].([]any)
	if a, ok := c.meta["annotations"].(map[string]any); ok {
		m.Annotations = map[string]string{}
		for k, v := range a {
			m.Annotations[k] = fmt.Sprint(v)
		}
	}
	m.Deprecated, _ = c.meta["deprecated"].(bool)
	return m
}

func allTemplates(c *chart, parentID string, root bool, top map[string]any, values any, out map[string]renderable) map[string]any {
	subcharts := map[string]any{}
	next := map[string]any{
		"Chart": metaOf(c, root), "Files": c.files, "Release": top["Release"], "Capabilities": top["Capabilities"],
		"Values": values, "Subcharts": subcharts,
	}
	id := path.Join(parentID, c.name)
	for _, d := range c.deps {
		var dv any = map[string]any{}
		if vm, ok := values.(map[string]any); ok {
			if x, ok := vm[d.name].(map[string]any); ok {
				dv = x
			}
		}
		subcharts[d.name] = allTemplates(d, path.Join(id, "charts"), false, top, dv, out)
	}
	library, _ := c.meta["type"].(string)
	for name, text := range c.templates {
		if library == "library" && !strings.HasPrefix(path.Base(name), "_") {
			continue
		}
		out[path.Join(id, name)] = renderable{text: text, vals: next, basePath: path.Join(id, "templates")}
	}
	return next
}

func sortTemplates(keys []string) {
	sort.Slice(keys, func(i, j int) bool {
		a, b := keys[i], keys[j]
		ca, cb := strings.Count(a, "/"), strings.Count(b, "/")
		if ca == cb {
			return a > b
		}
		return ca > cb
	})
}

func renderChartJob(j job) (res map[string]any) {
	res = map[string]any{}
	defer func() {
		if p := recover(); p != nil {
			res = map[string]any{"error": fmt.Sprint("panic: ", p)}
		}
	}()
	files, err := readDir(j.Dir)
	if err != nil {
		return map[string]any{"error": err.Error()}
	}
	c, err := loadFiles(files, j.DepDirs)
	if err != nil {
		return map[string]any{"error": err.Error()}
	}
	user := map[string]any{}
	for _, f := range j.ValuesFiles {
		b, err := os.ReadFile(f)
		if err != nil {
			return map[string]any{"error": err.Error()}
		}
		m := map[string]any{}
		if err := yaml.Unmarshal(b, &m); err != nil {
			return map[string]any{"error": err.Error()}
		}
		user = mergeMaps(user, m)
	}
	enableDeps(c, coalesce(c, deepCopy(user).(map[string]any)))
	vals := coalesce(c, deepCopy(user).(map[string]any))
	kv := j.KubeVersion
	parts := strings.SplitN(strings.TrimPrefix(kv, "v"), ".", 3)
	caps := &Capabilities{APIVersions: j.APIVersions, KubeVersion: KubeVersion{Version: kv, Major: parts[0], Minor: parts[1], GitVersion: kv},
		HelmVersion: map[string]any{"Version": "v3.16.0"}}
	top := map[string]any{"Release": j.Release, "Capabilities": caps}
	tpls := map[string]renderable{}
	allTemplates(c, "", true, top, vals, tpls)
	keys := make([]string, 0, len(tpls))
	for k := range tpls {
		keys = append(keys, k)
	}
	sortTemplates(keys)
	t := template.New("gotpl")
	t.Funcs(funcMap(t)).Option("missingkey=zero")
	for _, k := range keys {
		if _, err := t.New(k).Parse(tpls[k].text); err != nil {
			return map[string]any{"error": err.Error()}
		}
	}
	rendered := map[string]string{}
	for _, k := range keys {
		if strings.HasPrefix(path.Base(k), "_") {
			continue
		}
		r := tpls[k]
		r.vals["Template"] = map[string]any{"Name": k, "BasePath": r.basePath}
		var buf strings.Builder
		if err := t.ExecuteTemplate(&buf, k, r.vals); err != nil {
			return map[string]any{"error": err.Error()}
		}
		if strings.HasSuffix(k, "NOTES.txt") {
			continue
		}
		rendered[k] = strings.ReplaceAll(buf.String(), "<no value>", "")
	}
	res["templates"] = rendered
	return res
}
