/** The hub's API as an OpenAPI 3.1 document, served at /openapi.json. */
const err = { $ref: '#/components/responses/Error' };
const auth: Record<string, string[]>[] = [{ device: [] }];
const staffAuth: Record<string, string[]>[] = [{ staff: [] }];
const idem = { $ref: '#/components/parameters/IdempotencyKey' };
const id = (name: string) => ({ name, in: 'path', required: true, schema: { type: 'string' } });
const body = (properties: Record<string, unknown>, required: string[] = []) => ({
  required: true,
  content: { 'application/json': { schema: { type: 'object', properties, required } } },
});
const okData = (description: string) => ({
  description,
  content: { 'application/json': { schema: { type: 'object', properties: { data: {} } } } },
});

export function openApiDocument(): Record<string, unknown> {
  const m = (summary: string, extra: Record<string, unknown> = {}, security = auth) => ({
    summary,
    security,
    responses: {
      200: okData('ok'),
      201: okData('created'),
      400: err,
      401: err,
      404: err,
      409: err,
      422: err,
    },
    ...extra,
  });
  return {
    openapi: '3.1.0',
    info: {
      title: 'Kassa store hub',
      version: '0.1.0',
      description:
        'Kiosk and staff API of the in-store hub. Money is decimal strings. Errors are { error: { code, message, details } }. ' +
        'Mutating device requests need an Idempotency-Key header; repeating one returns the first answer and changes nothing ' +
        '(staff decisions and imports accept one too). ' +
        'Live events: socket.io on the same origin, auth { token } (device or staff). Events: state, basket.updated, ' +
        'intervention.created, intervention.decided, payment.prompt, payment.result, order.completed, device.event, replication.changed.',
    },
    components: {
      securitySchemes: {
        device: { type: 'http', scheme: 'bearer', description: 'dev_… token from POST /v1/devices/pair' },
        staff: { type: 'http', scheme: 'bearer', description: 'stf_… token from POST /v1/staff/sessions' },
      },
      parameters: {
        IdempotencyKey: {
          name: 'Idempotency-Key',
          in: 'header',
          required: true,
          schema: { type: 'string', maxLength: 200 },
        },
      },
      responses: {
        Error: {
          description: 'structured error',
          content: {
            'application/json': {
              schema: {
                type: 'object',
                properties: {
                  error: {
                    type: 'object',
                    properties: { code: { type: 'string' }, message: { type: 'string' }, details: {} },
                  },
                },
              },
            },
          },
        },
      },
    },
    paths: {
      '/healthz': { get: { summary: 'liveness, pricing engine in use', responses: { 200: okData('ok') } } },
      '/v1/devices/pair': {
        post: m(
          'pair a device with a pairing code; returns device_id and token',
          {
            requestBody: body(
              {
                code: { type: 'string' },
                name: { type: 'string' },
                retailer_device_id: { type: 'string' },
                kind: { type: 'string' },
                lane_device_id: { type: 'string' },
              },
              ['code', 'name', 'retailer_device_id'],
            ),
          },
          [],
        ),
      },
      '/v1/staff/sessions': {
        post: m(
          'staff sign-in (username + PIN)',
          {
            requestBody: body({ username: { type: 'string' }, pin: { type: 'string' } }, ['username', 'pin']),
          },
          [],
        ),
      },
      '/v1/staff/pairing-codes': { post: m('new pairing code', {}, staffAuth) },
      '/v1/kiosk-sessions': { post: m('start a shopper session (and its basket)', { parameters: [idem] }) },
      '/v1/scan': {
        get: m('resolve and price a code without adding it', {
          parameters: [
            { name: 'code', in: 'query', required: true, schema: { type: 'string' } },
            { name: 'symbology', in: 'query', schema: { type: 'string' } },
          ],
        }),
      },
      '/v1/baskets': {
        post: m('create a basket (expires the kiosk’s previous active basket)', { parameters: [idem] }),
      },
      '/v1/baskets/{id}': { get: m('the basket as priced by the hub', { parameters: [id('id')] }) },
      '/v1/baskets/{id}/lines': {
        post: m('add by code; re-prices the basket', {
          parameters: [id('id'), idem],
          requestBody: body(
            {
              code: { type: 'string' },
              symbology: { type: 'string' },
              quantity: { type: 'integer', minimum: 1 },
              weight_g: { type: 'integer' },
              basket_version: { type: 'integer' },
            },
            ['code'],
          ),
        }),
      },
      '/v1/baskets/{id}/lines/{lineId}': {
        patch: m('change quantity', {
          parameters: [id('id'), id('lineId'), idem],
          requestBody: body({ quantity: { type: 'integer' }, basket_version: { type: 'integer' } }, [
            'quantity',
          ]),
        }),
        delete: m('remove a line (and its add-ons)', {
          parameters: [
            id('id'),
            id('lineId'),
            idem,
            { name: 'basket_version', in: 'query', schema: { type: 'integer' } },
          ],
        }),
      },
      '/v1/baskets/{id}/verification': {
        post: m('request an age check (idempotent per basket)', { parameters: [id('id'), idem] }),
        get: m('age check status', { parameters: [id('id')] }),
      },
      '/v1/help-requests': {
        post: m('call staff', {
          parameters: [idem],
          requestBody: body({ basket_id: { type: 'string' }, reason: { type: 'string' } }),
        }),
      },
      '/v1/orders': {
        post: m('checkout a basket (idempotent per basket)', {
          parameters: [idem],
          requestBody: body({ basket_id: { type: 'string' }, basket_version: { type: 'integer' } }, [
            'basket_id',
          ]),
        }),
      },
      '/v1/orders/{id}': { get: m('order with payment and receipt', { parameters: [id('id')] }) },
      '/v1/orders/{id}/payment': { get: m('payment status and tenders', { parameters: [id('id')] }) },
      '/v1/orders/{id}/tenders': {
        post: m('start a card tender (default: the amount due); waits for the terminal', {
          parameters: [id('id'), idem],
          requestBody: body({
            method: { type: 'string', enum: ['card'] },
            amount: { type: 'string' },
            simulate: {
              type: 'string',
              enum: ['approve', 'decline', 'timeout', 'offline', 'partial', 'error'],
            },
          }),
        }),
      },
      '/v1/orders/{id}/tenders/{tid}/void': {
        post: m('void a captured partial tender', { parameters: [id('id'), id('tid'), idem] }),
      },
      '/v1/orders/{id}/abort': {
        post: m('abort payment; cancel_order (default true) cancels the order', {
          parameters: [id('id'), idem],
          requestBody: body({ cancel_order: { type: 'boolean' }, reason: { type: 'string' } }),
        }),
      },
      '/v1/orders/{id}/receipt': {
        get: m('the stored receipt (text and e-receipt QR value)', { parameters: [id('id')] }),
      },
      '/v1/orders/{id}/receipts': {
        post: m('deliver the receipt (e-receipt until a printer is attached)', {
          parameters: [id('id'), idem],
        }),
      },
      '/v1/devices/events': {
        post: m('a hub-attached device (scanner) reports an event; scans go to its lane’s basket', {
          parameters: [idem],
          requestBody: body({ type: { type: 'string' }, code: { type: 'string' } }, ['type']),
        }),
      },
      '/v1/replication/{collection}/pull': {
        get: m('RxDB pull: items, categories, promotions, tax_rows, store_config, baskets', {
          parameters: [
            id('collection'),
            { name: 'updatedAt', in: 'query', schema: { type: 'integer' } },
            { name: 'id', in: 'query', schema: { type: 'string' } },
            { name: 'limit', in: 'query', schema: { type: 'integer' } },
          ],
        }),
      },
      '/v1/replication/{collection}/push': {
        post: m('RxDB push (baskets only); answers conflicts', { parameters: [id('collection')] }),
      },
      '/v1/interventions': { get: m('interventions (staff)', {}, staffAuth) },
      '/v1/interventions/{id}/decide': {
        post: m(
          'approve / reject an age check, close a help request',
          {
            parameters: [id('id')],
            requestBody: body({ decision: { type: 'string', enum: ['approve', 'reject'] } }, ['decision']),
          },
          staffAuth,
        ),
      },
      '/v1/catalog/import': {
        post: m('import a document (same format as the CLI), all-or-nothing', {}, staffAuth),
      },
      '/v1/staff/orders/{id}': { get: m('order detail (staff)', { parameters: [id('id')] }, staffAuth) },
      '/v1/sync/status': { get: m('outbox backlog', {}, staffAuth) },
      '/v1/sync/outbox': { get: m('outbox events after a hub_seq', {}, staffAuth) },
    },
  };
}
