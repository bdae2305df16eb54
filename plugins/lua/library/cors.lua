--[[patchpanel
{
  "name": "cors",
  "version": "1.0.0",
  "description": "Answers CORS preflights (OPTIONS with Access-Control-Request-Method) itself with 204 and the allowed methods and headers; adds Access-Control-Allow-Origin to the responses of simple requests from an allowed origin. A preflight from any other origin gets 403.",
  "registers": [
    {"kind": "action", "name": "cors", "scope": "http"},
    {"kind": "action", "name": "cors_response", "scope": "http-response"}
  ],
  "params": {
    "type": "object",
    "properties": {
      "origins": {
        "type": "array",
        "description": "Allowed origins, exactly as browsers send them (https://app.example.com), or * for any",
        "items": {"type": "string", "pattern": "^(\\*|https?://[A-Za-z0-9.-]+(:[0-9]{1,5})?)$"},
        "minItems": 1,
        "default": ["*"]
      },
      "methods": {
        "type": "array",
        "items": {"type": "string", "enum": ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]},
        "default": ["GET", "HEAD", "POST"]
      },
      "headers": {
        "type": "array",
        "description": "Request headers a preflight may ask for",
        "items": {"type": "string", "pattern": "^[A-Za-z0-9-]{1,64}$"},
        "default": ["content-type"]
      },
      "max-age": {"type": "integer", "minimum": 0, "maximum": 86400, "default": 600},
      "credentials": {"type": "boolean", "default": false}
    }
  }
}
]]

local function list(env, fallback)
  local out = {}
  for item in (os.getenv(env) or fallback):gmatch("%S+") do out[#out + 1] = item end
  return out
end

local origins = list("PP_LUA_CORS__ORIGINS", "*")
local methods = table.concat(list("PP_LUA_CORS__METHODS", "GET HEAD POST"), ", ")
local headers = table.concat(list("PP_LUA_CORS__HEADERS", "content-type"), ", ")
local max_age = os.getenv("PP_LUA_CORS__MAX_AGE") or "600"
local credentials = os.getenv("PP_LUA_CORS__CREDENTIALS") == "true"

local any, allowed = false, {}
for _, o in ipairs(origins) do
  if o == "*" then any = true else allowed[o] = true end
end

-- The Access-Control-Allow-Origin value for `origin`, or nil when it is not allowed.
local function allow_origin(origin)
  if allowed[origin] then return origin end
  if any then return credentials and origin or "*" end
  return nil
end

core.register_action("cors", { "http-req" }, function(txn)
  local origin = txn.sf:req_hdr("origin")
  if origin == nil or origin == "" then return end
  local value = allow_origin(origin)
  local preflight = txn.sf:method() == "OPTIONS" and txn.sf:req_hdr("access-control-request-method") ~= nil
  if not preflight then
    if value then txn:set_var("txn.pp_cors_origin", value) end
    return
  end
  local reply = txn:reply()
  if not value then
    reply:set_status(403, "Forbidden")
    reply:add_header("vary", "Origin")
    txn:done(reply)
    return
  end
  reply:set_status(204, "No Content")
  reply:add_header("access-control-allow-origin", value)
  reply:add_header("access-control-allow-methods", methods)
  reply:add_header("access-control-allow-headers", headers)
  reply:add_header("access-control-max-age", max_age)
  if credentials then reply:add_header("access-control-allow-credentials", "true") end
  reply:add_header("vary", "Origin")
  txn:done(reply)
end)

core.register_action("cors_response", { "http-res" }, function(txn)
  local value = txn:get_var("txn.pp_cors_origin")
  if value == nil then return end
  txn.http:res_set_header("access-control-allow-origin", value)
  if credentials then txn.http:res_set_header("access-control-allow-credentials", "true") end
  txn.http:res_add_header("vary", "Origin")
end)
