// refrender renders Helm charts and Go templates with Go's own text/template and the real Sprig library, adding
// what Helm adds (include, tpl, required, toYaml/fromYaml/toJson/fromJson, lookup, .Files, the built-in objects,
// missingkey=zero with "<no value>" removed, template order, dependency values). It is the reference the
// TypeScript renderer is compared with in tests; it is a test tool, never part of the product.
//
// It reads one JSON job on stdin and writes one JSON answer on stdout:
//   {"mode":"templates","cases":[{"template":"…","values":{…}}]}   → [{"out":"…","error":"…"}]
//   {"mode":"chart","dir":"…","valuesFiles":["…"],"release":{…},"kubeVersion":"v1.31.0","apiVersions":[…],
//    "depDirs":{"common":"…"}}                                      → {"templates":{"name":"text"},"error":"…"}
package main

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"strings"
	"text/template"

	"github.com/Masterminds/sprig"
	"sigs.k8s.io/yaml"
)

type job struct {
	Mode        string            `json:"mode"`
	Cases       []tcase           `json:"cases"`
	Dir         string            `json:"dir"`
	ValuesFiles []string          `json:"valuesFiles"`
	Release     map[string]any    `json:"release"`
	KubeVersion string            `json:"kubeVersion"`
	APIVersions []string          `json:"apiVersions"`
	DepDirs     map[string]string `json:"depDirs"`
}

type tcase struct {
	Template string         `json:"template"`
	Values   map[string]any `json:"values"`
}

type result struct {
	Out   string `json:"out"`
	Error string `json:"error,omitempty"`
}

// ---------------------------------------------------------------------------------- Helm's function map

func toYAML(v any) string {
	data, err := yaml.Marshal(v)
	if err != nil {
		return ""
	}
	return strings.TrimSuffix(string(data), "\n")
}

func fromYAML(str string) map[string]any {
	m := map[string]any{}
	if err := yaml.Unmarshal([]byte(str), &m); err != nil {
		m["Error"] = err.Error()
	}
	return m
}

func fromYAMLArray(str string) []any {
	a := []any{}
	if err := yaml.Unmarshal([]byte(str), &a); err != nil {
		a = []any{err.Error()}
	}
	return a
}

func toJSON(v any) string {
	data, err := json.Marshal(v)
	if err != nil {
		return ""
	}
	return string(data)
}

func fromJSON(str string) map[string]any {
	m := make(map[string]any)
	if err := json.Unmarshal([]byte(str), &m); err != nil {
		m["Error"] = err.Error()
	}
	return m
}

func fromJSONArray(str string) []any {
	a := []any{}
	if err := json.Unmarshal([]byte(str), &a); err != nil {
		a = []any{err.Error()}
	}
	return a
}

const recursionMax = 1000

// funcMap binds include and tpl to the template set t, as Helm's engine does.
func funcMap(t *template.Template) template.FuncMap {
	f := sprig.TxtFuncMap()
	delete(f, "env")
	delete(f, "expandenv")
	includes := map[string]int{}
	extra := template.FuncMap{
		"toYaml": toYAML, "fromYaml": fromYAML, "fromYamlArray": fromYAMLArray,
		"toJson": toJSON, "fromJson": fromJSON, "fromJsonArray": fromJSONArray,
		"mustToJson": func(v any) (string, error) { b, err := json.Marshal(v); return string(b), err },
		"required": func(warn string, val any) (any, error) {
			if val == nil {
				return val, errors.New(warn)
			} else if s, ok := val.(string); ok && s == "" {
				return val, errors.New(warn)
			}
			return val, nil
		},
		"lookup": func(string, string, string, string) (map[string]any, error) { return map[string]any{}, nil },
		"include": func(name string, data any) (string, error) {
			var buf strings.Builder
			if v, ok := includes[name]; ok {
				if v > recursionMax {
					return "", fmt.Errorf("rendering template has a nested reference name: %s", name)
				}
				includes[name]++
			} else {
				includes[name] = 1
			}
			err := t.ExecuteTemplate(&buf, name, data)
			includes[name]--
			return buf.String(), err
		},
		"tpl": func(text string, vals map[string]any) (string, error) {
			c, err := t.Clone()
			if err != nil {
				return "", err
			}
			c.Funcs(funcMap(c)).Option("missingkey=zero")
			name := "tpl"
			if tv, ok := vals["Template"].(map[string]any); ok {
				if n, ok := tv["Name"].(string); ok {
					name = n
				}
			}
			c, err = c.New(name).Parse(text)
			if err != nil {
				return "", err
			}
			var buf strings.Builder
			if err := c.Execute(&buf, vals); err != nil {
				return "", err
			}
			return strings.ReplaceAll(buf.String(), "<no value>", ""), nil
		},
	}
	for k, v := range extra {
		f[k] = v
	}
	return f
}

// ---------------------------------------------------------------------------------- built-in objects

// Files is Helm's .Files: the chart's files other than templates, values and Chart.yaml.
type Files map[string][]byte

func (f Files) GetBytes(name string) []byte { return f[name] }
func (f Files) Get(name string) string      { return string(f[name]) }
func (f Files) Glob(pattern string) Files {
	nf := Files{}
	for name, contents := range f {
		if ok, _ := path.Match(pattern, name); ok {
			nf[name] = contents
		}
	}
	return nf
}
func (f Files) AsConfig() string {
	if f == nil {
		return ""
	}
	m := map[string]string{}
	for k, v := range f {
		m[path.Base(k)] = string(v)
	}
	return toYAML(m)
}
func (f Files) AsSecrets() string {
	if f == nil {
		return ""
	}
	m := map[string]string{}
	for k, v := range f {
		m[path.Base(k)] = base64.StdEncoding.EncodeToString(v)
	}
	return toYAML(m)
}
func (f Files) Lines(p string) []string {
	if f == nil || f[p] == nil {
		return []string{}
	}
	s := string(f[p])
	if len(s) > 0 && s[len(s)-1] == '\n' {
		s = s[:len(s)-1]
	}
	return strings.Split(s, "\n")
}

// VersionSet is .Capabilities.APIVersions.
type VersionSet []string

func (v VersionSet) Has(apiVersion string) bool {
	for _, x := range v {
		if x == apiVersion {
			return true
		}
	}
	return false
}

type KubeVersion struct {
	Version    string
	Major      string
	Minor      string
	GitVersion string
}

type Capabilities struct {
	APIVersions VersionSet
	KubeVersion KubeVersion
	HelmVersion map[string]any
}

func main() {
	var j job
	in, _ := io.ReadAll(os.Stdin)
	if err := json.Unmarshal(in, &j); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	var out any
	if j.Mode == "templates" {
		out = renderCases(j.Cases)
	} else {
		out = renderChartJob(j)
	}
	b, _ := json.Marshal(out)
	os.Stdout.Write(b)
}

func renderCases(cases []tcase) []result {
	res := make([]result, len(cases))
	for i, c := range cases {
		res[i] = renderOne(c)
	}
	return res
}

func renderOne(c tcase) (r result) {
	defer func() {
		if p := recover(); p != nil {
			r = result{Error: fmt.Sprint("panic: ", p)}
		}
	}()
	t := template.New("gotpl")
	t.Funcs(funcMap(t)).Option("missingkey=zero")
	if _, err := t.New("t").Parse(c.Template); err != nil {
		return result{Error: err.Error()}
	}
	var buf bytes.Buffer
	vals := map[string]any{"Values": c.Values, "Release": map[string]any{"Name": "rel", "Namespace": "default"},
		"Template": map[string]any{"Name": "t", "BasePath": ""}}
	if err := t.ExecuteTemplate(&buf, "t", vals); err != nil {
		return result{Error: err.Error()}
	}
	return result{Out: strings.ReplaceAll(buf.String(), "<no value>", "")}
}
