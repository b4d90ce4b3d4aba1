"""Holds spec/secmaster.yaml to the official Python SDK's models (huaweicloudsdksecmaster 3.1.219).

Every operation of the spec (all its chapters: the workflows and the SOC's six) is looked up in the
SDK's v1 SecMasterClient (the v2 package holds none of them) and compared:
- the client method's http_info: HTTP method, path, the path, query and header parameter names, the
  request's media type (JSON or multipart form), the answer headers;
- the request class: the path and query parameters' JSON types and the query parameters'
  required-ness; every attribute must be a path, query or header parameter or the body;
- the request body and the 200 answer: field names (JSON names, through $refs, allOf, arrays and
  maps, to any depth) with their JSON types, and the request fields' required-ness; a binary answer
  in the spec against the SDK's answer class (a stream, or a model without fields).
Every difference must be listed, with its reason, in differences.txt beside this file; a difference
not listed, or a listed one no longer found (stale), fails (exit 1).

    python check.py SPEC [DIFFERENCES]    (a Python with huaweicloudsdksecmaster installed)

Run by xtask/tests/official_sdk.rs when SECMASTER_OFFICIAL_PYTHON names such a Python.
"""
import inspect, os, re, sys
import yaml
os.environ.setdefault('HOME', '/tmp/hwhome')
import huaweicloudsdksecmaster.v1 as v1
from huaweicloudsdksecmaster.v1 import secmaster_client
from huaweicloudsdkcore.sdk_stream_response import SdkStreamResponse

# differences.txt explains the differences with this version (.ci/run installs it): another one is
# compared only after reading its differences anew.
SDK_VERSION = '3.1.219'
from importlib.metadata import version as _installed
if _installed('huaweicloudsdksecmaster') != SDK_VERSION:
    print(f"huaweicloudsdksecmaster {_installed('huaweicloudsdksecmaster')} installed, "
          f"differences.txt explains {SDK_VERSION}")
    sys.exit(1)

HERE = os.path.dirname(os.path.abspath(__file__))
FRAG = yaml.safe_load(open(sys.argv[1] if len(sys.argv) > 1 else os.path.join(HERE, '..', 'secmaster.yaml')))
ALLOWED_PATH = sys.argv[2] if len(sys.argv) > 2 else os.path.join(HERE, 'differences.txt')
SCHEMAS = FRAG['components']['schemas']
PARAMS = FRAG['components'].get('parameters', {})
CLIENT_SRC = inspect.getsource(secmaster_client.SecMasterClient)

def snake(name):
    return re.sub(r'(?<!^)(?=[A-Z])', '_', name).lower()

def http_info(op):
    m = re.search(r'def _%s_http_info\(cls, request\):(.*?)return http_info' % snake(op), CLIENT_SRC, re.S)
    if not m:
        return None
    body = m.group(1)
    media = re.search(r"select_header_content_type\(\s*\[([^\]]*)\]", body)
    return {'method': re.search(r'"method": "(\w+)"', body).group(1),
            'path': re.search(r'"resource_path": "([^"]+)"', body).group(1),
            'query': re.findall(r"query_params.append\(\('(\w+)'", body),
            'path_params': re.findall(r"path_params\['(\w+)'\] = ", body),
            'headers': re.findall(r"header_params\['([\w-]+)'\] = local_var_params", body),
            'form': re.findall(r"form_params\['(\w+)'\] = ", body),
            'media': re.findall(r"'([^']+)'", media.group(1)) if media else [],
            'response_headers': re.findall(r'"([^"]+)"', re.search(r'response_headers = \[([^\]]*)\]', body).group(1)),
            'response_type': re.search(r'"response_type": "(\w+)"', body).group(1)}

def sdk_required(cls):
    src = inspect.getsource(cls.__init__)
    return {m.group(1) for m in re.finditer(r'^\s{8}self\.(\w+) = \1\s*$', src, re.M)}

def sdk_json_type(t):
    if t.startswith('list['):
        return 'array', t[5:-1]
    if t.startswith('dict('):
        return 'object', None
    return {'str': ('string', None), 'int': ('integer', None), 'float': ('number', None), 'bool': ('boolean', None),
            'object': ('object', None), 'file': ('string', None), 'datetime': ('string', None),
            'date': ('string', None)}.get(t, ('object', t))

def resolve(s):
    """The schema a $ref names (followed to the end), with allOf's members merged into one object."""
    seen = 0
    while '$ref' in s:
        s = SCHEMAS[s['$ref'].split('/')[-1]]
        seen += 1
        assert seen < 10
    if 'allOf' in s:
        merged = {k: v for k, v in s.items() if k != 'allOf'}
        merged['properties'] = dict(s.get('properties', {}))
        merged['required'] = list(s.get('required', []))
        for part in s['allOf']:
            part = resolve(part)
            merged.setdefault('type', part.get('type'))
            merged['properties'].update(part.get('properties', {}))
            merged['required'] += part.get('required', [])
        s = merged
    return s

def frag_type(s):
    s = resolve(s)
    if 'oneOf' in s or 'anyOf' in s:
        return 'oneOf/anyOf'
    return s.get('type') or 'object'

out = []
compared = {'fields': 0, 'parameters': 0}
def diff(where, msg):
    out.append(f'{where}: {msg}')

def compare_model(where, sdk_model, schema, request, depth=0, header_attrs=()):
    """sdk_model: an SDK model class name; schema: a spec schema (object); header_attrs: the
    answer headers the SDK's answer class carries as attributes (not body fields)."""
    cls = getattr(v1, sdk_model, None)
    if cls is None:
        diff(where, f'SDK model {sdk_model} not found')
        return
    schema = resolve(schema)
    if schema.get('type') == 'array':          # bare JSON array answers (DeleteDataclassTypeResponse)
        fields = {cls.attribute_map[a]: t for a, t in cls.openapi_types.items() if cls.attribute_map[a] not in header_attrs}
        if list(fields) == ['body']:
            return compare_value(where + '.<body>', fields['body'], schema, request, depth)
        diff(where, 'spec is an array, SDK model has fields ' + ', '.join(fields))
        return
    props = schema.get('properties', {})
    sdk_fields = {}
    for attr, t in cls.openapi_types.items():
        name = cls.attribute_map[attr]
        if name in header_attrs:
            continue
        sdk_fields[name] = (attr, t)
    for name in sdk_fields:
        if name not in props:
            diff(where, f'field `{name}` in SDK {sdk_model}, not in the spec')
    for name in props:
        if name not in sdk_fields:
            diff(where, f'field `{name}` in the spec, not in SDK {sdk_model}')
    req_sdk = sdk_required(cls) if request else set()
    req_frag = set(schema.get('required', [])) if request else set()
    for name, (attr, t) in sdk_fields.items():
        if name not in props:
            continue
        compared['fields'] += 1
        if request and ((attr in req_sdk) != (name in req_frag)):
            diff(where, f'`{name}` required: SDK {attr in req_sdk}, spec {name in req_frag}')
        compare_value(f'{where}.{name}', t, props[name], request, depth)

def compare_value(where, t, s, request, depth):
    jt, inner = sdk_json_type(t)
    ft = frag_type(s)
    if jt != ft:
        diff(where, f'type: SDK {t} ({jt}), spec {ft}')
        return
    if depth > 12:
        return
    if jt == 'array':
        compare_value(where + '[]', inner, resolve(s).get('items', {}), request, depth + 1)
    elif t.startswith('dict('):
        # a map: the SDK's value type against the spec's additionalProperties
        value_t = t[5:-1].split(',', 1)[1].strip()
        extra = resolve(s).get('additionalProperties', True)
        if extra is False:
            diff(where, f'type: SDK {t} (a map), spec an object without additionalProperties')
        elif extra is not True and value_t != 'object':
            compare_value(where + '{}', value_t, extra, request, depth + 1)
    elif inner:
        compare_model(where, inner, s, request, depth + 1)

ops = {}
for path, item in FRAG['paths'].items():
    for m, op in item.items():
        if m != 'parameters':
            ops[op['operationId']] = (path, m, op, item.get('parameters', []))

def base_media(media):
    return media.split(';')[0].strip().lower()

for op_id, (path, m, op, path_level) in ops.items():
    info = http_info(op_id)
    req_cls = getattr(v1, op_id + 'Request', None)
    if info is None or req_cls is None:
        diff(op_id, 'not an operation of the SDK (no SecMasterClient method or request class)')
        continue
    if info['method'].lower() != m:
        diff(op_id, f"method: SDK {info['method']}, spec {m.upper()}")
    if info['path'] != path:
        diff(op_id, f"path: SDK {info['path']}, spec {path}")
    params = [PARAMS[p['$ref'].split('/')[-1]] if '$ref' in p else p for p in path_level + op.get('parameters', [])]
    fq = [p['name'] for p in params if p['in'] == 'query']
    fp = [p['name'] for p in params if p['in'] == 'path']
    fh = [p['name'] for p in params if p['in'] == 'header']
    compared['parameters'] += len(params)
    if set(fq) != set(info['query']):
        diff(op_id, f"query parameters: SDK {info['query']}, spec {fq}")
    if set(fp) != set(info['path_params']):
        diff(op_id, f"path parameters: SDK {info['path_params']}, spec {fp}")
    if {h.lower() for h in fh} != {h.lower() for h in info['headers']}:
        diff(op_id, f"header parameters: SDK {info['headers']}, spec {fh}")
    # every attribute of the request class goes somewhere the comparison above looked at
    placed = set(info['query']) | set(info['path_params']) | {h.lower() for h in info['headers']} | {'body'}
    for attr, json_name in req_cls.attribute_map.items():
        if json_name not in placed and json_name.lower() not in placed:
            diff(op_id, f'SDK request attribute `{attr}` ({json_name}) is no path, query or header parameter nor the body')
    # path and query parameter types, query parameters' required-ness
    req_required = sdk_required(req_cls)
    for p in params:
        if p['in'] not in ('query', 'path'):
            continue
        attr = next((a for a, j in req_cls.attribute_map.items() if j == p['name']), None)
        if not attr:
            continue
        jt, _ = sdk_json_type(req_cls.openapi_types[attr])
        if jt != frag_type(p['schema']):
            diff(op_id, f"{p['in']} `{p['name']}` type: SDK {req_cls.openapi_types[attr]}, spec {frag_type(p['schema'])}")
        if p['in'] == 'query' and (attr in req_required) != bool(p.get('required')):
            diff(op_id, f"query `{p['name']}` required: SDK {attr in req_required}, spec {bool(p.get('required'))}")
    # request body
    body_t = req_cls.openapi_types.get('body')
    content = op.get('requestBody', {}).get('content', {})
    if body_t and not content:
        diff(op_id, f'SDK has a body ({body_t}), the spec none')
    elif content and not body_t:
        diff(op_id, 'the spec has a body, the SDK none')
    elif body_t:
        (media, media_obj), = content.items()
        sdk_media = [base_media(x) for x in info['media']]
        if base_media(media) not in sdk_media:
            diff(op_id, f"request media type: SDK {info['media']}, spec {media}")
        if info['form'] and base_media(media) != 'multipart/form-data':
            diff(op_id, f'SDK sends a form ({info["form"]}), spec {media}')
        if body_t.startswith('list['):      # a bare JSON array body (CreatePlaybookAction)
            compare_value(f'{op_id} request.<body>', body_t, media_obj['schema'], True, 0)
        else:
            compare_model(f'{op_id} request', body_t, media_obj['schema'], True)
    # answer
    resp_cls = getattr(v1, info['response_type'])
    ok = op['responses'].get('200')
    if ok is None:
        diff(op_id, f"the spec has no 200 answer (it has {sorted(op['responses'])})")
        continue
    rcontent = ok.get('content', {})
    header_attrs = set(info['response_headers'])
    sdk_resp_fields = [resp_cls.attribute_map[a] for a in resp_cls.openapi_types if resp_cls.attribute_map[a] not in header_attrs]
    hdrs_sdk = [resp_cls.attribute_map[a] for a in resp_cls.openapi_types if resp_cls.attribute_map[a] in header_attrs]
    hdrs_frag = list(ok.get('headers', {}))
    if {h.lower() for h in hdrs_sdk} != {h.lower() for h in hdrs_frag}:     # header names are case-insensitive
        diff(op_id, f'answer headers: SDK {hdrs_sdk}, spec {hdrs_frag}')
    stream = issubclass(resp_cls, SdkStreamResponse)
    if not rcontent:
        if sdk_resp_fields:
            diff(op_id, f'SDK answer has fields {sdk_resp_fields}, the spec no body')
        if stream:
            diff(op_id, 'SDK answer is a stream, the spec no body')
        continue
    (rmedia, robj), = rcontent.items()
    binary = base_media(rmedia) == 'application/octet-stream' or resolve(robj.get('schema', {})).get('format') == 'binary'
    if binary:
        if sdk_resp_fields:
            diff(op_id, f'spec answer is binary, SDK has fields {sdk_resp_fields}')
        elif not stream:
            diff(op_id, f'spec answer is binary ({rmedia}), SDK {info["response_type"]} is no stream (a model without fields)')
        continue
    if stream:
        diff(op_id, f'SDK answer is a stream, spec {rmedia}')
        continue
    compare_model(f'{op_id} answer', info['response_type'], robj['schema'], False, header_attrs=header_attrs)

# differences.txt: one difference a line, exactly as printed, then `  # ` and the reason.
allowed = {}
for line in open(ALLOWED_PATH, encoding='utf-8'):
    line = line.rstrip('\n')
    if not line.strip() or line.startswith('#'):
        continue
    text, _, reason = line.partition('  # ')
    if not reason.strip():
        print(f'differences.txt: no reason given for: {text}')
        sys.exit(1)
    if text.strip() in allowed:
        print(f'differences.txt: listed twice: {text}')
        sys.exit(1)
    allowed[text.strip()] = reason.strip()
found = set(out)
unlisted = [d for d in out if d not in allowed]
stale = [d for d in allowed if d not in found]
print(f'# {len(ops)} operations compared with huaweicloudsdksecmaster {SDK_VERSION} '
      f'({compared["parameters"]} parameters, {compared["fields"]} body and answer fields at every depth): '
      f'{len(out)} differences, {len(out) - len(unlisted)} explained in differences.txt')
for d in unlisted:
    print(f'UNEXPLAINED: {d}')
for d in stale:
    print(f'STALE (listed, no longer found): {d}')
sys.exit(1 if unlisted or stale else 0)
