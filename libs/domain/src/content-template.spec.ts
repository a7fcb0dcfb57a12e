import { ContentTemplate, ContentTemplateError } from './content-template';

describe('ContentTemplate', () => {
  it('renders contact attributes and gate data', () => {
    const sut = ContentTemplate.compile({ subject: 'Hi {{ contact.firstName }}', text: 'Code {{ gate.promoCode | default: "none" }}' });
    expect(sut.render({ contact: { firstName: 'Ada' }, gate: {}, sendout: { id: 's', name: 'n' } })).toEqual({ subject: 'Hi Ada', text: 'Code none' });
  });

  it('names the field of a broken template', () => {
    try {
      ContentTemplate.compile({ html: '{% if %}' });
      throw new Error('expected a ContentTemplateError');
    } catch (error) {
      expect(error).toBeInstanceOf(ContentTemplateError);
      expect((error as ContentTemplateError).errors[0].field).toBe('content.html');
    }
  });
});
