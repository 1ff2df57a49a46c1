/** What `eventspec init` writes: a small, valid catalogue that shows the format's main parts. */
export const STARTER_CATALOGUE = `# The event catalogue: every domain event, described once. \`npx eventspec generate\` turns it
# into typed TypeScript in generated/; \`npx eventspec check\` in CI fails when that is stale.
version: 1

domains:
  order: Orders customers place and we fulfil.

types:
  Ulid: { type: string, format: ulid, description: A ULID (26 Crockford base-32 characters). }
  Money:
    type: object
    properties:
      amount: { type: number, minimum: 0, multipleOf: 0.01 }
      currency: { type: string, enum: [EUR, USD, GBP] }
    required: [amount, currency]

events:
  order.placed:
    description: A customer placed an order.
    version: 1
    payload:
      type: object
      properties:
        orderId: { $ref: '#/types/Ulid' }
        customerEmail: { type: string, format: email, x-sensitive: true }
        total: { $ref: '#/types/Money' }
        lines:
          type: array
          minItems: 1
          items:
            type: object
            properties:
              sku: { type: string, minLength: 1, maxLength: 64 }
              quantity: { type: integer, minimum: 1 }
            required: [sku, quantity]
      required: [orderId, total, lines]
    examples:
      - orderId: 01JDQ8Z1X4N6V7W8Y9ZAB2C3DE
        customerEmail: ada@example.com
        total: { amount: 42.5, currency: EUR }
        lines: [{ sku: BOOK-1, quantity: 1 }]
`;
